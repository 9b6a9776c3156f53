/** {@code DynamoDbStore}: states in a DynamoDB table that several instances, or AWS Lambda, share. */
module dev.reactserver.state.dynamodb {
  requires transitive dev.reactserver.state.remote;
  requires transitive software.amazon.awssdk.services.dynamodb;
  requires transitive software.amazon.awssdk.regions;
  requires transitive software.amazon.awssdk.auth;
  requires software.amazon.awssdk.awscore;
  requires software.amazon.awssdk.core;
  requires software.amazon.awssdk.http;
  requires software.amazon.awssdk.http.urlconnection;

  exports dev.reactserver.state.dynamodb;
}
