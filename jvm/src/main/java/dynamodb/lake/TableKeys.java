package dynamodb.lake;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A table's key attributes and declared columns as the functions receive them, and the key columns and the
 * canonical _key of an item or a delta record's keys (ddb_json.canonical_key and records._key_values).
 */
final class TableKeys implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  final String[] keyNames;
  final char[] keyTypes;
  final String[] declared;
  private final String[] sortedKeyNames;

  /**
   * @param keys     key attributes as name NUL type (S, N or B), pairs joined by NUL: "pk\0S\0sk\0N"
   * @param declared declared column source names joined by NUL ("" for none)
   */
  TableKeys(String keys, String declared) {
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
    Arrays.sort(sortedKeyNames, DynamoJson.CODE_POINT_ORDER);
  }

  /** The key columns into values[0..]: N normalized, B decoded. The attributes must be validated. */
  void keyValues(Map<String, Object> attributes, Object[] values) {
    for (int i = 0; i < keyNames.length; i++) {
      Object value = attributes.get(keyNames[i]);
      if (value == null) {
        throw new NeedsPython("key attribute missing");
      }
      Map.Entry<String, Object> tagged = DynamoJson.single(value);
      if (tagged.getKey().length() != 1 || tagged.getKey().charAt(0) != keyTypes[i]) {
        throw new NeedsPython("key attribute of another type");
      }
      String inner = (String) tagged.getValue();
      values[i] = keyTypes[i] == 'N' ? DynamoJson.normalizeNumber(inner)
          : keyTypes[i] == 'B' ? Base64.getDecoder().decode(inner) : inner;
    }
  }

  /** ddb_json.canonical_key: the key attributes' DynamoDB JSON, names sorted, N normalized. */
  String canonicalKey(Map<String, Object> attributes) {
    StringBuilder out = new StringBuilder(64).append('{');
    for (int i = 0; i < sortedKeyNames.length; i++) {
      Map.Entry<String, Object> tagged = DynamoJson.single(attributes.get(sortedKeyNames[i]));
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

  /** The item's dynamo_text, plain_json and declared columns' text into values[at..]. Validated item. */
  void itemValues(Map<String, Object> item, Object[] values, int at) {
    values[at] = DynamoJson.dynamoText(item);
    values[at + 1] = DynamoJson.plainJson(item);
    for (int i = 0; i < declared.length; i++) {
      values[at + 2 + i] = DynamoJson.declaredText(item, declared[i]);
    }
  }
}
