package io.courant.stream.dsl.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.courant.stream.dsl.Serdes;
import org.junit.jupiter.api.Test;

/** Store keys and values as the HTTP query routes read and write them, by serde. */
class TextCodecTest {
  record Customer(String id, String name) {}

  @Test
  void textAndNumberKeysAreReadAsWrittenAndValuesBecomeJsonScalars() {
    assertEquals("hello", TextCodec.parse(Serdes.String(), "hello", "s"));
    assertEquals(42L, TextCodec.parse(Serdes.Long(), "42", "s"));
    assertEquals(7, TextCodec.parse(Serdes.Integer(), "7", "s"));
    assertEquals("\"hello\"", TextCodec.json(Serdes.String(), "hello", "s").toString());
    assertEquals("42", TextCodec.json(Serdes.Long(), 42L, "s").toString());
    assertEquals("text", TextCodec.kind(Serdes.String()));
    assertEquals("number", TextCodec.kind(Serdes.Integer()));
  }

  @Test
  void aJsonSerdesKeyIsGivenAsJsonAndItsValuesAreEmbeddedAsJson() {
    var serde = Serdes.Json(Customer.class);
    assertEquals(new Customer("c1", "Alice"), TextCodec.parse(serde, "{\"id\":\"c1\",\"name\":\"Alice\"}", "s"));
    assertEquals("{\"id\":\"c1\",\"name\":\"Alice\"}", TextCodec.json(serde, new Customer("c1", "Alice"), "s").toString());
    assertEquals("json", TextCodec.kind(serde));
  }

  @Test
  void bytesAreBase64AndUnreadableKeysAreRefusedWithTheStoreAndFormat() {
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) TextCodec.parse(Serdes.ByteArray(), "AQID", "s"));
    assertEquals("\"AQID\"", TextCodec.json(Serdes.ByteArray(), new byte[] {1, 2, 3}, "s").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextCodec.parse(Serdes.Long(), "forty", "counts"));
    assertTrue(e.getMessage().contains("'forty' is not a key of store 'counts' (number)"), e.getMessage());
  }
}
