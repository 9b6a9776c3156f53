package dev.reactserver.state.dynamodb;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * What the clients the store builds itself connect with: the region, endpoint and credentials named on
 * the builder, else the SDK's default chains, resolved once when the store is built, so that a setup
 * mistake (no region, no credentials) fails there, saying what to set, instead of as an outage at the
 * first call.
 */
final class ClientSetup {

  private static final String LOCAL_SERVER = "for a local server any region and static dummy credentials will do:"
      + " .endpoint(URI.create(\"http://localhost:8000\")).region(Region.US_EAST_1).credentials("
      + "StaticCredentialsProvider.create(AwsBasicCredentials.create(\"local\", \"local\")))";

  private final Region region;
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final Duration timeout;
  private final boolean threadless;

  private ClientSetup(Region region, URI endpoint, AwsCredentialsProvider credentials, Duration timeout,
      boolean threadless) {
    this.region = region;
    this.endpoint = endpoint;
    this.credentials = credentials;
    this.timeout = timeout;
    this.threadless = threadless;
  }

  /**
   * Resolves what is not named. A {@code threadless} setup (serverless) leaves out the SDK's whole-call
   * timer, which runs on threads of the SDK's own: each attempt is bounded by the HTTP client's
   * connection and socket timeouts instead.
   *
   * @throws IllegalStateException if no region or no credentials are named or found, saying what to set
   */
  static ClientSetup resolve(Region region, URI endpoint, AwsCredentialsProvider credentials, Duration timeout,
      boolean threadless) {
    Region resolvedRegion = region != null ? region : defaultRegion(endpoint);
    AwsCredentialsProvider resolvedCredentials = credentials != null ? credentials : defaultCredentials(endpoint);
    return new ClientSetup(resolvedRegion, endpoint, resolvedCredentials, timeout, threadless);
  }

  /**
   * Configures a client builder: the URL connection HTTP client, every call (or, threadless, every
   * attempt) bounded by the command timeout, the region, endpoint and credentials.
   */
  <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(B clients) {
    clients.httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
        .region(region)
        .credentialsProvider(credentials);
    if (!threadless) {
      clients.overrideConfiguration(c -> c.apiCallTimeout(timeout));
    }
    if (endpoint != null) {
      clients.endpointOverride(endpoint);
    }
    return clients;
  }

  private static Region defaultRegion(URI endpoint) {
    try {
      return DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      throw new IllegalStateException("the DynamoDB store has no AWS region"
          + (endpoint == null ? "" : " (an endpoint alone does not name one)")
          + ": none was given to DynamoDbStore.Builder.region(...) and the SDK found none (the AWS_REGION"
          + " environment variable, the aws.region system property, a profile, the instance's metadata)."
          + " Name it, e.g. .region(Region.EU_WEST_1); " + LOCAL_SERVER, e);
    }
  }

  private static AwsCredentialsProvider defaultCredentials(URI endpoint) {
    DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
    try {
      chain.resolveCredentials();
      return chain;
    } catch (SdkClientException e) {
      chain.close();
      throw new IllegalStateException("the DynamoDB store has no AWS credentials"
          + (endpoint == null ? "" : " (a local server needs some too, any will do)")
          + ": none were given to DynamoDbStore.Builder.credentials(...) and the SDK's default chain found none"
          + " (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a container or instance role, the Lambda"
          + " role). Give the application credentials, or name them; " + LOCAL_SERVER, e);
    }
  }
}
