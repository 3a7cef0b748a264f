package dynamodb.lake;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;

/**
 * One line of a DynamoDB export ({"Item": …}) → the row load_snapshot writes: the key columns, _key, item,
 * item_json and the declared columns' source text, byte for byte what glue-scripts/dynamodb_lake/ddb_json.py
 * makes of it (records.raw_row).
 *
 * <p>It handles the lines DynamoDB writes (strict UTF-8 JSON, numbers in DynamoDB's spelling) and throws
 * {@link NeedsPython} for anything else — a malformed item, an unusual number spelling, a duplicate name, a
 * lone surrogate — so that the caller loads the export with the Python parser instead, which either loads it
 * exactly as before or names the file and line that is wrong. It never guesses.
 */
public final class ExportItemRow implements UDF1<byte[], Row> {
  private static final long serialVersionUID = 1L;

  private final String[] keyNames;
  private final char[] keyTypes;
  private final String[] declared;
  private final String[] sortedKeyNames;

  /**
   * @param keys     key attributes as name NUL type (S, N or B), pairs joined by NUL: "pk\0S\0sk\0N"
   * @param declared declared column source names joined by NUL ("" for none)
   */
  public ExportItemRow(String keys, String declared) {
    String[] parts = keys.split("\0", -1);
    if (parts.length % 2 != 0 || parts.length == 0) {
      throw new IllegalArgumentException("keys must be name\\0type pairs, got " + keys);
    }
    keyNames = new String[parts.length / 2];
    keyTypes = new char[parts.length / 2];
    for (int i = 0; i < keyNames.length; i++) {
      keyNames[i] = parts[2 * i];
      keyTypes[i] = parts[2 * i + 1].charAt(0);
    }
    this.declared = declared.isEmpty() ? new String[0] : declared.split("\0", -1);
    sortedKeyNames = keyNames.clone();
    java.util.Arrays.sort(sortedKeyNames, DynamoJson.CODE_POINT_ORDER);
  }

  /** The row of one line; the caller skips lines of ASCII whitespace, as Python's parser does. */
  @Override
  public Row call(byte[] line) {
    if (blank(line)) {
      throw new NeedsPython("a blank line");
    }
    Object parsed = JsonParser.parse(decode(line));
    if (!(parsed instanceof Map)) {
      throw new NeedsPython("the line is not a JSON object");
    }
    Object item = ((Map<?, ?>) parsed).get("Item");
    if (!(item instanceof Map)) {
      throw new NeedsPython("no Item object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = (Map<String, Object>) item;
    DynamoJson.validateItem(attributes);
    Object[] values = new Object[keyNames.length + 3 + declared.length];
    for (int i = 0; i < keyNames.length; i++) {
      values[i] = keyValue(attributes, keyNames[i], keyTypes[i]);
    }
    values[keyNames.length] = canonicalKey(attributes);
    values[keyNames.length + 1] = DynamoJson.dynamoText(attributes);
    values[keyNames.length + 2] = DynamoJson.plainJson(attributes);
    for (int i = 0; i < declared.length; i++) {
      values[keyNames.length + 3 + i] = DynamoJson.declaredText(attributes, declared[i]);
    }
    return RowFactory.create(values);
  }

  private static Object keyValue(Map<String, Object> item, String name, char type) {
    Object value = item.get(name);
    if (value == null) {
      throw new NeedsPython("key attribute missing");
    }
    Map.Entry<String, Object> tagged = DynamoJson.single(value);
    if (tagged.getKey().length() != 1 || tagged.getKey().charAt(0) != type) {
      throw new NeedsPython("key attribute of another type");
    }
    String inner = (String) tagged.getValue();
    if (type == 'N') {
      return DynamoJson.normalizeNumber(inner);
    }
    return type == 'B' ? java.util.Base64.getDecoder().decode(inner) : inner;
  }

  /** ddb_json.canonical_key: the key attributes' DynamoDB JSON, names sorted, N normalized. */
  private String canonicalKey(Map<String, Object> item) {
    StringBuilder out = new StringBuilder(64).append('{');
    for (int i = 0; i < sortedKeyNames.length; i++) {
      Map.Entry<String, Object> tagged = DynamoJson.single(item.get(sortedKeyNames[i]));
      String tag = tagged.getKey();
      String inner = (String) tagged.getValue();
      if (i > 0) {
        out.append(',');
      }
      DynamoJson.string(out, sortedKeyNames[i]).append(":{");
      DynamoJson.string(out, tag).append(':');
      DynamoJson.string(out, "N".equals(tag) ? DynamoJson.normalizeNumber(inner) : inner).append('}');
    }
    return out.append('}').toString();
  }

  private static boolean blank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0x0b && b != 0x0c) {
        return false;
      }
    }
    return true;
  }

  /** Strict UTF-8 (Python's json.loads raises on invalid bytes); a BOM or UTF-16/32 is left to Python. */
  private static String decode(byte[] line) {
    if (line.length >= 2 && (line[0] == 0 || line[1] == 0 || (line[0] & 0xff) == 0xef)) {
      throw new NeedsPython("not plain UTF-8");
    }
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = decoder.decode(ByteBuffer.wrap(line));
      return chars.toString();
    } catch (CharacterCodingException err) {
      throw new NeedsPython("invalid UTF-8");
    }
  }
}
