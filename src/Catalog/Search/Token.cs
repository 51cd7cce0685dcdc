namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// One lexeme. Text is the raw source slice (quotes included) so errors can quote what the user wrote;
/// Value is the decoded content of a quoted token.
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, string Value, int Position)
{
    /// <summary>1-based position just past the token, to tell whether the next one touches it.</summary>
    public int End => Position + Text.Length;

    public bool IsQuotedString => Kind is TokenKind.SingleQuoted or TokenKind.DoubleQuoted;

    public bool IsKeyword(string keyword) =>
        Kind == TokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind == TokenKind.End ? "the end of the input" : $"'{Text}'";
}
