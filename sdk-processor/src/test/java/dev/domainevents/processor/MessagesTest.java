package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.domainevents.processor.validation.Messages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every message has a unique, stable tag and at least one test that provokes it. */
class MessagesTest {
  @Test
  void tagsAreUnique() {
    Set<String> tags = new HashSet<>();
    for (Messages message : Messages.values()) {
      assertWithMessage(message.name()).that(tags.add(message.tag())).isTrue();
      assertThat(message.tag()).matches("Sdk[A-Z][A-Za-z]+");
    }
  }

  @Test
  void everyTagIsAssertedByATest() throws IOException {
    String tests;
    try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
      tests =
          files
              .filter(f -> f.toString().endsWith(".java") && !f.endsWith("MessagesTest.java"))
              .map(MessagesTest::read)
              .collect(Collectors.joining("\n"));
    }
    for (Messages message : Messages.values()) {
      assertWithMessage("no test asserts [" + message.tag() + "]")
          .that(tests)
          .contains("[" + message.tag() + "]");
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
