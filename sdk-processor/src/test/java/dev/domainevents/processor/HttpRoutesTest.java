package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The route table written for sdk-http's proxy, against its golden file. Regenerate it deliberately
 * with {@code -Dgoldens.update=true} and review the diff.
 */
class HttpRoutesTest {
  private static final Path GOLDEN =
      Path.of(
          "src/test/resources/goldens/HttpRoutesTest/representativeHandlers/http-routes.properties");

  @Test
  void representativeHandlers() throws IOException {
    Compilation compilation = Compilers.sdk().compile(ShopSources.all());
    assertThat(compilation).succeededWithoutWarnings();
    String text =
        compilation
            .generatedFile(
                StandardLocation.CLASS_OUTPUT, "META-INF/domainevents/http-routes.properties")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    if (Boolean.getBoolean("goldens.update")) {
      Files.writeString(GOLDEN, text, StandardCharsets.UTF_8);
    }
    assertThat(text).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
  }

  @Test
  void noHandlersNoTable() {
    Compilation compilation =
        Compilers.sdk()
            .compile(
                ShopSources.GOODS_OBJ,
                ShopSources.LINE_ADDED,
                ShopSources.RESTOCKED,
                ShopSources.GOODS);
    assertThat(compilation).succeeded();
    assertThat(
            compilation.generatedFile(
                StandardLocation.CLASS_OUTPUT, "META-INF/domainevents/http-routes.properties"))
        .isEmpty();
  }
}
