package dev.reactserver.state.dynamodb;

import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on dynalite, which has no Streams: listeners hear this instance's writes. */
class DynaliteStoreConformanceTest extends DynamoStoreConformanceTest {

  @BeforeAll
  static void startDynalite() {
    start(TestDynamo.Kind.DYNALITE);
  }
}
