package dynamodb.lake;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Java twin of glue-scripts/dynamodb_lake/ddb_json.py for valid items: validation, dynamo_text, plain_json,
 * declared_text and normalize_number, producing the same characters. Where the Python functions would raise,
 * or would take a path not reproduced here (a number spelled other than as a JSON number), this throws
 * {@link NeedsPython}.
 */
final class DynamoJson {
  private static final Set<String> TYPES = Set.of("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL");
  private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
  private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
  /** Exponents beyond this are left to Python (DynamoDB's own range is -130..+125). */
  private static final int MAX_EXPONENT = 400;

  /** Python's str order: by code point (UTF-16 order differs for supplementary characters). */
  static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return fold(x) - fold(y);
      }
    }
    return a.length() - b.length();
  };

  private DynamoJson() {
  }

  /** Surrogates (supplementary characters) sort after the rest of the BMP in code point order. */
  private static int fold(char c) {
    return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
  }

  @SuppressWarnings("unchecked")
  static Map.Entry<String, Object> single(Object value) {
    if (!(value instanceof Map) || ((Map<?, ?>) value).size() != 1) {
      throw new NeedsPython("an attribute value is not an object with one type tag");
    }
    Map.Entry<String, Object> entry = ((Map<String, Object>) value).entrySet().iterator().next();
    if (!TYPES.contains(entry.getKey())) {
      throw new NeedsPython("unknown type tag");
    }
    return entry;
  }

  static void validateItem(Map<String, Object> item) {
    for (Object value : item.values()) {
      validateValue(value);
    }
  }

  @SuppressWarnings("unchecked")
  static void validateValue(Object value) {
    Map.Entry<String, Object> tagged = single(value);
    Object inner = tagged.getValue();
    switch (tagged.getKey()) {
      case "S":
        requireString(inner);
        break;
      case "N":
        requireNumber(inner);
        break;
      case "B":
        requireBase64(inner);
        break;
      case "BOOL":
        if (!(inner instanceof Boolean)) {
          throw new NeedsPython("BOOL not a boolean");
        }
        break;
      case "NULL":
        if (inner != Boolean.TRUE) {
          throw new NeedsPython("NULL not true");
        }
        break;
      case "SS":
        for (Object x : requireList(inner)) {
          requireString(x);
        }
        break;
      case "NS":
        for (Object x : requireList(inner)) {
          requireNumber(x);
        }
        break;
      case "BS":
        for (Object x : requireList(inner)) {
          requireBase64(x);
        }
        break;
      case "L":
        for (Object x : requireList(inner)) {
          validateValue(x);
        }
        break;
      default: // M
        if (!(inner instanceof Map)) {
          throw new NeedsPython("M not an object");
        }
        validateItem((Map<String, Object>) inner);
    }
  }

  private static void requireString(Object value) {
    if (!(value instanceof String)) {
      throw new NeedsPython("not a string");
    }
  }

  private static List<?> requireList(Object value) {
    if (!(value instanceof List)) {
      throw new NeedsPython("not an array");
    }
    return (List<?>) value;
  }

  /** A number spelled as a JSON number with a moderate exponent; any other spelling goes to Python. */
  private static void requireNumber(Object value) {
    if (!(value instanceof String) || !JSON_NUMBER.matcher((String) value).matches()) {
      throw new NeedsPython("a number not spelled as a JSON number");
    }
    String text = (String) value;
    int e = Math.max(text.indexOf('e'), text.indexOf('E'));
    if (e >= 0 && (text.length() - e > 5 || Math.abs(Integer.parseInt(text.substring(e + 1))) > MAX_EXPONENT)) {
      throw new NeedsPython("a number with a large exponent");
    }
  }

  /** Canonical base64 (length a multiple of 4, padding only at the end): what b64decode(validate=True) takes. */
  private static void requireBase64(Object value) {
    if (!(value instanceof String) || !BASE64.matcher((String) value).matches()) {
      throw new NeedsPython("binary not in canonical base64");
    }
  }

  /** ddb_json.normalize_number for a validated number: no exponent, no leading/trailing zeros, "0" for zero. */
  static String normalizeNumber(String text) {
    BigDecimal value = new BigDecimal(text);
    return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
  }

  /** ddb_json.dynamo_text: compact DynamoDB JSON, names sorted at every level. */
  static String dynamoText(Map<String, Object> item) {
    StringBuilder out = new StringBuilder(1024);
    writeJson(out, item);
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static void writeJson(StringBuilder out, Object value) {
    if (value instanceof String) {
      string(out, (String) value);
    } else if (value instanceof Boolean) {
      out.append(((Boolean) value) ? "true" : "false");
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object x : (List<Object>) value) {
        if (!first) {
          out.append(',');
        }
        first = false;
        writeJson(out, x);
      }
      out.append(']');
    } else {
      Map<String, Object> map = (Map<String, Object>) value;
      out.append('{');
      boolean first = true;
      for (String name : sortedNames(map)) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, name).append(':');
        writeJson(out, map.get(name));
      }
      out.append('}');
    }
  }

  private static String[] sortedNames(Map<String, Object> map) {
    String[] names = map.keySet().toArray(new String[0]);
    Arrays.sort(names, CODE_POINT_ORDER);
    return names;
  }

  /** ddb_json.plain_json: plain JSON, numbers as written, sets as arrays, B as base64, NULL as null. */
  static String plainJson(Map<String, Object> item) {
    StringBuilder out = new StringBuilder(1024);
    writePlainObject(out, item);
    return out.toString();
  }

  private static void writePlainObject(StringBuilder out, Map<String, Object> item) {
    out.append('{');
    boolean first = true;
    for (String name : sortedNames(item)) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, name).append(':');
      writePlain(out, item.get(name));
    }
    out.append('}');
  }

  @SuppressWarnings("unchecked")
  private static void writePlain(StringBuilder out, Object value) {
    Map.Entry<String, Object> tagged = single(value);
    Object inner = tagged.getValue();
    switch (tagged.getKey()) {
      case "S":
      case "B":
        string(out, (String) inner);
        return;
      case "N":
        out.append((String) inner);
        return;
      case "BOOL":
        out.append(((Boolean) inner) ? "true" : "false");
        return;
      case "NULL":
        out.append("null");
        return;
      case "M":
        writePlainObject(out, (Map<String, Object>) inner);
        return;
      default: // SS, BS, NS, L
        out.append('[');
        boolean first = true;
        for (Object x : (List<Object>) inner) {
          if (!first) {
            out.append(',');
          }
          first = false;
          if ("L".equals(tagged.getKey())) {
            writePlain(out, x);
          } else if ("NS".equals(tagged.getKey())) {
            out.append((String) x);
          } else {
            string(out, (String) x);
          }
        }
        out.append(']');
    }
  }

  /** ddb_json.declared_text: S/N/B as their text, BOOL true/false, NULL or absent null, else plain JSON. */
  static String declaredText(Map<String, Object> item, String name) {
    Object value = item.get(name);
    if (value == null) {
      return null;
    }
    Map.Entry<String, Object> tagged = single(value);
    switch (tagged.getKey()) {
      case "S":
      case "N":
      case "B":
        return (String) tagged.getValue();
      case "NULL":
        return null;
      case "BOOL":
        return ((Boolean) tagged.getValue()) ? "true" : "false";
      default:
        StringBuilder out = new StringBuilder();
        writePlain(out, value);
        return out.toString();
    }
  }

  /** json.encoder.encode_basestring (what json.dumps(ensure_ascii=False) writes for a str). */
  static StringBuilder string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
          } else {
            out.append(c);
          }
      }
    }
    return out.append('"');
  }
}
