package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.asyncapi.v3._0_0.model.AsyncAPI;
import com.asyncapi.v3._0_0.model.channel.Channel;
import com.asyncapi.v3._0_0.model.channel.message.Message;
import com.asyncapi.v3._0_0.model.operation.Operation;
import com.asyncapi.v3._0_0.model.operation.OperationAction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.domainevents.json.JsonPayloadCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The sample's event catalog, {@code META-INF/domainevents/asyncapi.yaml}, as sdk-processor wrote
 * it: the golden file, read by an AsyncAPI 3.0 library, and its payload schema checked against
 * payloads the sample's codec really encodes.
 */
class EventCatalogTest {
  private static final Path GENERATED =
      Path.of("target/classes/META-INF/domainevents/asyncapi.yaml");
  private static final Path GOLDEN = Path.of("src/test/resources/golden/asyncapi.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void generatedCatalogEqualsTheGoldenFile() throws Exception {
    // Regenerate deliberately: copy the generated file over the golden one and review the diff.
    assertEquals(Files.readString(GOLDEN), Files.readString(GENERATED));
  }

  @Test
  void anAsyncApiLibraryReadsEveryChannelMessageAndOperation() throws Exception {
    AsyncAPI document = YAML.readValue(GENERATED.toFile(), AsyncAPI.class);
    assertEquals("3.0.0", document.getAsyncapi());
    assertEquals(Set.of("goods"), document.getChannels().keySet());
    Channel channel = (Channel) document.getChannels().get("goods");
    assertEquals("goods", channel.getAddress());
    assertEquals(Set.of("Goods.Shopping"), channel.getMessages().keySet());

    assertEquals(
        Set.of("Goods.Shopping.send", "StockView.onShopping", "StoreController.onShopping"),
        document.getOperations().keySet());
    Operation send = (Operation) document.getOperations().get("Goods.Shopping.send");
    assertEquals(OperationAction.SEND, send.getAction());
    assertEquals("#/channels/goods", send.getChannel().getRef());
    Operation receive = (Operation) document.getOperations().get("StoreController.onShopping");
    assertEquals(OperationAction.RECEIVE, receive.getAction());
    assertEquals("#/channels/goods", receive.getChannel().getRef());
    assertEquals("#/channels/goods/messages/Goods.Shopping", receive.getMessages().get(0).getRef());

    Message message = (Message) document.getComponents().getMessages().get("Goods.Shopping");
    assertEquals("Goods:Shopping", message.getName());
    assertEquals("application/json", message.getContentType());
  }

  @Test
  void encodedPayloadsOfTheSampleValidateAgainstTheirSchema() throws Exception {
    JsonNode payloadSchema =
        YAML.readTree(GENERATED.toFile()).at("/components/messages/Goods.Shopping/payload");
    assertFalse(payloadSchema.isMissingNode());
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(payloadSchema);
    ObjectMapper json = new ObjectMapper();
    JsonPayloadCodec codec = JsonPayloadCodec.create();
    for (GoodsObj goods : List.of(new GoodsObj(1, 3), new GoodsObj(10, 100))) {
      Set<ValidationMessage> problems = schema.validate(json.readTree(codec.encode(goods)));
      assertTrue(problems.isEmpty(), goods + ": " + problems);
    }
    Set<String> problems = new TreeSet<>();
    schema
        .validate(json.readTree("{\"goodsId\":\"one\"}"))
        .forEach(problem -> problems.add(problem.getMessage()));
    assertEquals(2, problems.size(), problems.toString());
  }
}
