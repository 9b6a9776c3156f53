/**
 * {@link dev.reactserver.state.dynamodb.DynamoDbStore}: states in one DynamoDB table that several
 * instances share, with changes told through DynamoDB Streams; also for AWS Lambda. Applications build
 * one per instance (or per Lambda container).
 */
package dev.reactserver.state.dynamodb;
