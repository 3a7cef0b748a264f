package dynamodb.lake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON parser for the shapes DynamoDB JSON takes: objects, arrays, strings, true and false.
 * Objects become maps, arrays lists, strings String, booleans Boolean. Numbers, null, duplicate names and
 * lone surrogates throw {@link NeedsPython}: none of them occurs in a valid item, and leaving them to Python's
 * json module keeps its exact behaviour (and error messages) for them. {@link #parseRecord} also reads numbers
 * (as {@link Number}, in JSON's grammar, which Python's json module reads alike) and null (as {@link #NULL}),
 * which a delta record's own fields hold.
 */
final class JsonParser {
  /** JSON null, told apart from an absent name. */
  static final Object NULL = new Object();

  /** A JSON number as written: a delta record's int fields; never a valid attribute value. */
  static final class Number {
    final String text;

    Number(String text) {
      this.text = text;
    }
  }

  private final String text;
  private final boolean scalars;
  private int at;

  private JsonParser(String text, boolean scalars) {
    this.text = text;
    this.scalars = scalars;
  }

  static Object parse(String text) {
    return parse(text, false);
  }

  /** A line that may hold numbers and null (a delta record). */
  static Object parseRecord(String text) {
    return parse(text, true);
  }

  private static Object parse(String text, boolean scalars) {
    JsonParser parser = new JsonParser(text, scalars);
    parser.skipSpace();
    Object value = parser.value();
    parser.skipSpace();
    if (parser.at != text.length()) {
      throw new NeedsPython("extra data after the JSON value");
    }
    return value;
  }

  /** Python's json whitespace: space, tab, line feed, carriage return. */
  private void skipSpace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }

  private Object value() {
    if (at >= text.length()) {
      throw new NeedsPython("unexpected end of line");
    }
    char c = text.charAt(at);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        if (scalars) {
          return literal("null", NULL);
        }
        throw new NeedsPython("null");
      default:
        if (scalars && (c == '-' || (c >= '0' && c <= '9'))) {
          return number();
        }
        throw new NeedsPython("a number, null or invalid JSON");
    }
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — anything else (NaN, Infinity, 01, 1.) is left to Python. */
  private Number number() {
    int start = at;
    if (text.charAt(at) == '-') {
      at++;
    }
    if (at < text.length() && text.charAt(at) == '0') {
      at++;
    } else if (digits() == 0) {
      throw new NeedsPython("invalid number");
    }
    if (at < text.length() && text.charAt(at) == '.') {
      at++;
      if (digits() == 0) {
        throw new NeedsPython("invalid number");
      }
    }
    if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
      at++;
      if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        at++;
      }
      if (digits() == 0) {
        throw new NeedsPython("invalid number");
      }
    }
    return new Number(text.substring(start, at));
  }

  private int digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at - start;
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, at)) {
      throw new NeedsPython("invalid JSON literal");
    }
    at += word.length();
    return value;
  }

  private Map<String, Object> object() {
    at++;
    Map<String, Object> map = new HashMap<>();
    skipSpace();
    if (at < text.length() && text.charAt(at) == '}') {
      at++;
      return map;
    }
    while (true) {
      skipSpace();
      if (at >= text.length() || text.charAt(at) != '"') {
        throw new NeedsPython("object name expected");
      }
      String name = string();
      skipSpace();
      expect(':');
      skipSpace();
      if (map.put(name, value()) != null) {
        throw new NeedsPython("duplicate name in an object");
      }
      skipSpace();
      if (at < text.length() && text.charAt(at) == ',') {
        at++;
        continue;
      }
      expect('}');
      return map;
    }
  }

  private List<Object> array() {
    at++;
    List<Object> list = new ArrayList<>();
    skipSpace();
    if (at < text.length() && text.charAt(at) == ']') {
      at++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value());
      skipSpace();
      if (at < text.length() && text.charAt(at) == ',') {
        at++;
        continue;
      }
      expect(']');
      return list;
    }
  }

  private void expect(char c) {
    if (at >= text.length() || text.charAt(at) != c) {
      throw new NeedsPython("'" + c + "' expected");
    }
    at++;
  }

  private String string() {
    int start = ++at;
    // Fast path: no escapes.
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"') {
        return text.substring(start, at++);  // strict UTF-8 decoding leaves no lone surrogate
      }
      if (c == '\\') {
        break;
      }
      if (c < 0x20) {
        throw new NeedsPython("control character in a string");
      }
      at++;
    }
    StringBuilder out = new StringBuilder(text.length() - start);
    out.append(text, start, at);
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return checkSurrogates(out.toString());
      }
      if (c < 0x20) {
        throw new NeedsPython("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (at >= text.length()) {
        break;
      }
      char e = text.charAt(at++);
      switch (e) {
        case '"': out.append('"'); break;
        case '\\': out.append('\\'); break;
        case '/': out.append('/'); break;
        case 'b': out.append('\b'); break;
        case 'f': out.append('\f'); break;
        case 'n': out.append('\n'); break;
        case 'r': out.append('\r'); break;
        case 't': out.append('\t'); break;
        case 'u': out.append(hex4()); break;
        default: throw new NeedsPython("invalid escape");
      }
    }
    throw new NeedsPython("unterminated string");
  }

  private char hex4() {
    if (at + 4 > text.length()) {
      throw new NeedsPython("short \\u escape");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(text.charAt(at + i), 16);
      char c = text.charAt(at + i);
      if (digit < 0 || c > 'f') {  // Character.digit also accepts non-ASCII digits
        throw new NeedsPython("invalid \\u escape");
      }
      value = value * 16 + digit;
    }
    at += 4;
    return (char) value;
  }

  /** Python keeps a lone surrogate (from a \\u escape) in a str; Spark's UTF-8 strings cannot carry one. */
  private static String checkSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new NeedsPython("lone surrogate");
      }
    }
    return s;
  }
}
