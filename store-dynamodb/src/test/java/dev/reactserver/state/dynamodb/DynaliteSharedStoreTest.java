package dev.reactserver.state.dynamodb;

import org.junit.jupiter.api.BeforeAll;

/** The shared-store suite on dynalite, which has no Streams: listeners hear their own instance's writes. */
class DynaliteSharedStoreTest extends DynamoSharedStoreTest {

  @BeforeAll
  static void startDynalite() {
    start(TestDynamo.Kind.DYNALITE);
  }
}
