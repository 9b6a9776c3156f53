package dev.reactserver.state.dynamodb;

import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on dynoxide, whose Streams tell the listeners. */
class DynoxideStoreConformanceTest extends DynamoStoreConformanceTest {

  @BeforeAll
  static void startDynoxide() {
    start(TestDynamo.Kind.DYNOXIDE);
  }
}
