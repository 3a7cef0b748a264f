package dynamodb.lake;

import java.util.Map;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;

/**
 * One delta line (contract 1 of DESIGN.md) → the raw row the compaction merges: the key columns, _key, item,
 * item_json, the declared columns' source text, _seq, _ts_ms, _op and _event_id, byte for byte what
 * glue-scripts/dynamodb_lake/records.py (parse_delta, raw_row) makes of it.
 *
 * <p>It answers null for every line it does not reproduce exactly — an overflow pointer (its record is read
 * from S3), a malformed or unusual line, a number or key spelled otherwise than DynamoDB writes it — and the
 * caller then parses that line's file in Python, which merges it as before or quarantines it with its errors.
 * It never guesses.
 */
public final class DeltaRow implements UDF1<byte[], Row> {
  private static final long serialVersionUID = 1L;
  private static final int SEQ_WIDTH = 40;
  /** Epoch milliseconds of up to 18 digits fit a long; longer ones are left to Python. */
  private static final int MAX_MS_DIGITS = 18;

  private final TableKeys table;

  /** The same arguments as {@link ExportItemRow#ExportItemRow(String, String)}. */
  public DeltaRow(String keys, String declared) {
    table = new TableKeys(keys, declared);
  }

  /** The row of one non-blank line, or null when Python must parse it (and null for null). */
  @Override
  public Row call(byte[] line) {
    if (line == null) {
      return null;
    }
    try {
      return row(line);
    } catch (NeedsPython | ClassCastException err) {
      return null;
    }
  }

  /** Why the line is left to Python (null when it is not): for tests and diagnostics. */
  public String reason(byte[] line) {
    try {
      row(line);
      return null;
    } catch (NeedsPython err) {
      return err.getMessage();
    }
  }

  @SuppressWarnings("unchecked")
  private Row row(byte[] line) {
    Object parsed = JsonParser.parseRecord(ExportItemRow.decode(line));
    if (!(parsed instanceof Map)) {
      throw new NeedsPython("the line is not a JSON object");
    }
    Map<String, Object> record = (Map<String, Object>) parsed;
    Object version = record.get("v");
    if (!(version instanceof JsonParser.Number) || !"1".equals(((JsonParser.Number) version).text)) {
      throw new NeedsPython("v is not 1");
    }
    String op = text(record.get("op"), "op");
    boolean upsert = "INSERT".equals(op) || "MODIFY".equals(op);
    if (!upsert && !"REMOVE".equals(op)) {
      throw new NeedsPython("unknown op");
    }
    String seq = text(record.get("seq"), "seq");
    if (seq.length() != SEQ_WIDTH || !digits(seq)) {
      throw new NeedsPython("seq is not 40 digits");
    }
    Long ts = millis(record.get("ts_ms"));
    String eventId = text(record.get("event_id"), "event_id");
    Object ttl = record.get("ttl_delete");
    if (ttl != null && !(ttl instanceof Boolean)) {
      throw new NeedsPython("ttl_delete not a boolean");
    }
    Object keys = record.get("keys");
    if (!(keys instanceof Map) || ((Map<?, ?>) keys).isEmpty()) {
      throw new NeedsPython("keys missing");
    }
    Object overflow = record.get("overflow");
    if (overflow != null && overflow != JsonParser.NULL) {
      throw new NeedsPython("an overflow pointer (its record is read from S3)");
    }
    Object image = record.get("new_image");
    if (image != null && image != JsonParser.NULL) {
      if (!(image instanceof Map)) {
        throw new NeedsPython("new_image not an object");
      }
      DynamoJson.validateItem((Map<String, Object>) image);
    } else if (upsert) {
      throw new NeedsPython("an upsert without new_image");
    }
    Map<String, Object> keyAttributes = (Map<String, Object>) keys;
    for (String name : table.keyNames) {
      Object value = keyAttributes.get(name);
      if (value == null) {
        throw new NeedsPython("key attribute missing");
      }
      DynamoJson.validateValue(value);
    }
    int width = table.keyNames.length;
    Object[] values = new Object[width + 3 + table.declared.length + 4];
    table.keyValues(keyAttributes, values);
    values[width] = table.canonicalKey(keyAttributes);
    if (upsert) {
      table.itemValues((Map<String, Object>) image, values, width + 1);
    }
    int at = width + 3 + table.declared.length;
    values[at] = seq;
    values[at + 1] = ts;
    values[at + 2] = upsert ? "U" : "D";
    values[at + 3] = eventId;
    return RowFactory.create(values);
  }

  private static String text(Object value, String field) {
    if (!(value instanceof String)) {
      throw new NeedsPython(field + " not a string");
    }
    return (String) value;
  }

  private static boolean digits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return !s.isEmpty();
  }

  /** ts_ms as a plain non-negative integer (1.0, 1e3, -0 and true are left to Python). */
  private static Long millis(Object value) {
    if (!(value instanceof JsonParser.Number)) {
      throw new NeedsPython("ts_ms not a number");
    }
    String text = ((JsonParser.Number) value).text;
    if (text.length() > MAX_MS_DIGITS || !digits(text)) {
      throw new NeedsPython("ts_ms not epoch milliseconds");
    }
    return Long.parseLong(text);
  }
}
