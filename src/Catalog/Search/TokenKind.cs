namespace MlOps.Orleans.Catalog.Search;

/// <summary>Lexical classes of the search grammar; keywords stay Words because they are case-insensitive.</summary>
internal enum TokenKind
{
    Word,
    Operator,
    SingleQuoted,
    DoubleQuoted,
    Backticked,
    OpenParen,
    CloseParen,
    Comma,
    End,
}
