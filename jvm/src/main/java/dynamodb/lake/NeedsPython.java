package dynamodb.lake;

/** A line the JVM path does not reproduce exactly: the caller parses the whole input in Python instead. */
public final class NeedsPython extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final String MARKER = "dynamodb-lake: needs the Python parser: ";

  public NeedsPython(String why) {
    super(MARKER + why, null, false, false);
  }
}
