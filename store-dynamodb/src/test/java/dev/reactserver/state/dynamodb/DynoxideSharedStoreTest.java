package dev.reactserver.state.dynamodb;

import org.junit.jupiter.api.BeforeAll;

/** The shared-store suite on dynoxide, whose Streams tell every instance's listeners. */
class DynoxideSharedStoreTest extends DynamoSharedStoreTest {

  @BeforeAll
  static void startDynoxide() {
    start(TestDynamo.Kind.DYNOXIDE);
  }

  @Override
  protected int workloadRounds() {
    // dynoxide commits each write to its SQLite file on disk: the full 2,500 rounds run on dynalite
    return 500;
  }
}
