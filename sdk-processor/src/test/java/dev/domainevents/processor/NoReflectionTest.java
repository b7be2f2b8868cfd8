package dev.domainevents.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventScope;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.spi.DispatchTable;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code and the runtime dispatch path reference no reflection: no {@code
 * java.lang.reflect}, no {@code Class.forName}, no method handle lookups by name. Checked in the
 * generated sources and in the class files' constant pools.
 */
class NoReflectionTest {
  private static final String[] FORBIDDEN_IN_SOURCE = {
    "java.lang.reflect", "forName", "MethodHandle", "getMethod", "getDeclaredMethod", ".invoke("
  };

  @Test
  void generatedSourcesReferenceNoReflection() throws IOException {
    Compilation compilation = Compilers.sdk().compile(ShopSources.all());
    assertThat(compilation).succeeded();
    int sources = 0;
    for (JavaFileObject file : compilation.generatedSourceFiles()) {
      String text = file.getCharContent(true).toString();
      for (String forbidden : FORBIDDEN_IN_SOURCE) {
        assertWithMessage(file.getName() + " contains " + forbidden)
            .that(text)
            .doesNotContain(forbidden);
      }
      sources++;
    }
    assertThat(sources).isEqualTo(4);
  }

  @Test
  void generatedClassesAndDispatchPathReferenceNoReflection() throws IOException {
    Compilation compilation = Compilers.sdk().compile(ShopSources.all());
    assertThat(compilation).succeeded();
    List<String> checked = new ArrayList<>();
    for (JavaFileObject file : compilation.generatedFiles()) {
      String name = file.getName();
      if (file.getKind() == JavaFileObject.Kind.CLASS
          && (name.contains("_EventDispatcher")
              || name.contains("Events")
              || name.contains("Registry"))) {
        try (InputStream in = file.openInputStream()) {
          assertWithMessage(name).that(reflectiveReferences(in.readAllBytes())).isEmpty();
        }
        checked.add(name);
      }
    }
    assertThat(checked).hasSize(4);
    for (Class<?> runtime :
        List.of(
            DispatchTable.class,
            InMemoryInfra.class,
            EventScope.class,
            EventContext.class,
            EventEnvelope.class)) {
      assertWithMessage(runtime.getName())
          .that(reflectiveReferences(classBytes(runtime)))
          .isEmpty();
    }
  }

  @Test
  void scannerFindsReflectionWhereThereIsSome() throws IOException {
    // TreeAccess reads one field reflectively (outside any dispatch path): the check must see it.
    assertThat(reflectiveReferences(classBytes(TreeAccess.class)))
        .contains("java/lang/reflect/Field");
  }

  private static byte[] classBytes(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }

  /**
   * Returns the reflective classes and members a class file's constant pool refers to. Names of
   * {@code MethodHandles$Lookup} in descriptors are not counted: every lambda's bootstrap method
   * takes one. Calls on {@code MethodHandles} or a {@code Lookup} are.
   */
  static List<String> reflectiveReferences(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    int[][] memberRefs = new int[count][];
    int[] nameAndTypeName = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 3, 4 -> in.readInt();
        case 5, 6 -> {
          in.readLong();
          i++;
        }
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11 ->
            memberRefs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        case 12 -> {
          nameAndTypeName[i] = in.readUnsignedShort();
          in.readUnsignedShort();
        }
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        case 17, 18 -> in.readInt();
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    List<String> found = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (classNameIndex[i] != 0) {
        String name = utf8[classNameIndex[i]];
        if (name.startsWith("java/lang/reflect/")) {
          found.add(name);
        }
      }
      if (memberRefs[i] != null) {
        String owner = utf8[classNameIndex[memberRefs[i][0]]];
        String member = utf8[nameAndTypeName[memberRefs[i][1]]];
        boolean lookup =
            owner.equals("java/lang/invoke/MethodHandles")
                || owner.equals("java/lang/invoke/MethodHandles$Lookup");
        boolean classReflection =
            owner.equals("java/lang/Class")
                && (member.equals("forName")
                    || member.startsWith("getMethod")
                    || member.startsWith("getDeclared")
                    || member.startsWith("getField")
                    || member.startsWith("getConstructor"));
        if (lookup || classReflection || member.equals("findVirtual")) {
          found.add(owner + "." + member);
        }
      }
    }
    return found;
  }
}
