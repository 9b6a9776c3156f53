package dev.reactserver.state.example.web;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

/**
 * The live web example: {@code --store=memory} (the default), {@code --store=redis},
 * {@code --store=postgres} or {@code --store=dynamodb}, plus any Spring Boot argument
 * ({@code --server.port=8081}).
 */
@SpringBootApplication
public class ExampleWebApplication {

  public static void main(String[] args) {
    start(args);
  }

  /** Starts the application; its servers (for a server store) stop when it closes. */
  public static ConfigurableApplicationContext start(String... args) {
    List<String> springArgs = new ArrayList<>();
    String store = "memory";
    for (String arg : args) {
      if (arg.startsWith("--store=")) {
        store = arg.substring("--store=".length());
      } else {
        springArgs.add(arg);
      }
    }
    ExampleServers servers = ExampleServers.forStore(store);
    SpringApplication application = new SpringApplication(ExampleWebApplication.class);
    application.setDefaultProperties(servers.properties());
    ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new));
    context.addApplicationListener(event -> {
      if (event instanceof org.springframework.context.event.ContextClosedEvent) {
        servers.close();
      }
    });
    return context;
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    if (event.getApplicationContext() instanceof WebServerApplicationContext web) {
      System.out.println("reactserver-state live example on the "
          + event.getApplicationContext().getEnvironment().getProperty("reactserver.state.store", "memory")
          + " store: open http://localhost:" + web.getWebServer().getPort() + "/ in two browsers");
    }
  }
}
