package dev.reactserver.state.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * dynoxide, the DynamoDB-compatible server the benchmarks run against (installed by the build from the
 * npm registry), on a free loopback port, its data in memory.
 */
final class Dynoxide implements AutoCloseable {

  private final Process process;
  private final int port;

  Dynoxide() throws IOException, InterruptedException {
    Path servers = Path.of(System.getProperty("reactserver.dynamodb.servers", "benchmarks/target/dynamodb-servers"));
    Path dynoxide = servers.resolve("node_modules/@dynoxide/linux-x64/dynoxide");
    if (!Files.isExecutable(dynoxide)) {
      throw new IllegalStateException(dynoxide + " is missing: build the benchmarks with Maven (it installs"
          + " dynoxide with npm), or set -Dreactserver.dynamodb.servers to where it is installed");
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    process = new ProcessBuilder(dynoxide.toString(), "serve", "--host", "127.0.0.1", "--port",
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    for (int attempt = 0; attempt < 300; attempt++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 100);
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    process.destroy();
    throw new IllegalStateException("dynoxide did not listen on " + port);
  }

  ProcessHandle process() {
    return process.toHandle();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Creates a table of the store's layout with plain HTTP (dynoxide takes any signature), so that a
   * benchmark of a cold start finds it without having loaded a class of the AWS SDK.
   */
  void createStoreTable(String table) throws IOException, InterruptedException {
    String body = "{\"TableName\":\"" + table + "\",\"BillingMode\":\"PAY_PER_REQUEST\","
        + "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},"
        + "{\"AttributeName\":\"sk\",\"AttributeType\":\"S\"}],"
        + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}]}";
    HttpRequest request = HttpRequest.newBuilder(endpoint())
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810.CreateTable")
        .header("X-Amz-Date", "20260101T000000Z")
        .header("Authorization", "AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request,"
            + " SignedHeaders=host;x-amz-date, Signature=0")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("CreateTable answered " + response.statusCode() + ": " + response.body());
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
