package dev.reactserver.state.dynamodb;

import org.junit.jupiter.api.BeforeAll;

/** The shared-store suite on dynoxide, whose Streams tell every instance's listeners. */
class DynoxideSharedStoreTest extends DynamoSharedStoreTest {

  @BeforeAll
  static void startDynoxide() {
    start(TestDynamo.Kind.DYNOXIDE);
  }
}
