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

  private final TableKeys table;

  /**
   * @param keys     key attributes as name NUL type (S, N or B), pairs joined by NUL: "pk\0S\0sk\0N"
   * @param declared declared column source names joined by NUL ("" for none)
   */
  public ExportItemRow(String keys, String declared) {
    table = new TableKeys(keys, declared);
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
    int keys = table.keyNames.length;
    Object[] values = new Object[keys + 3 + table.declared.length];
    table.keyValues(attributes, values);
    values[keys] = table.canonicalKey(attributes);
    table.itemValues(attributes, values, keys + 1);
    return RowFactory.create(values);
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
  static String decode(byte[] line) {
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
