using System.Text;
using MlOps.Orleans.Contracts.Common;

namespace MlOps.Orleans.Catalog.Search;

/// <summary>
/// Lexes a filter or order_by string on demand, so errors surface left to right in the order a reader would
/// meet them. It also owns error construction because it knows which request field is being parsed.
/// </summary>
internal sealed class SearchTokenizer
{
    private readonly string _text;
    private readonly string _field;
    private int _index;
    private Token? _peeked;

    public SearchTokenizer(string text, string field)
    {
        _text = text;
        _field = field;
    }

    public Token Peek() => _peeked ??= Lex();

    public Token Next()
    {
        var token = Peek();
        _peeked = null;
        return token;
    }

    public MlopsException Error(int position, string reason) =>
        MlopsException.Invalid(_field, $"invalid {_field} at position {position}: {reason}");

    /// <summary>Characters a bare key may hold: MLflow's key alphabet minus the space.</summary>
    public static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '/' or ':';

    private Token Lex()
    {
        while (_index < _text.Length && char.IsWhiteSpace(_text[_index]))
        {
            _index++;
        }

        if (_index >= _text.Length)
        {
            return new Token(TokenKind.End, string.Empty, string.Empty, _text.Length + 1);
        }

        var c = _text[_index];
        return c switch
        {
            '\'' => LexQuoted(TokenKind.SingleQuoted, c),
            '"' => LexQuoted(TokenKind.DoubleQuoted, c),
            '`' => LexQuoted(TokenKind.Backticked, c),
            '(' => Single(TokenKind.OpenParen),
            ')' => Single(TokenKind.CloseParen),
            ',' => Single(TokenKind.Comma),
            '=' or '!' or '<' or '>' => LexOperator(),
            _ when IsWordChar(c) => LexWord(),
            _ => throw Error(_index + 1, $"unexpected character '{c}'"),
        };
    }

    private Token Single(TokenKind kind)
    {
        var token = new Token(kind, _text.Substring(_index, 1), string.Empty, _index + 1);
        _index++;
        return token;
    }

    // The whole run of operator characters is one token so "<>" or "==" is reported as itself, not as "<" then junk.
    private Token LexOperator()
    {
        var start = _index;
        while (_index < _text.Length && _text[_index] is '=' or '!' or '<' or '>')
        {
            _index++;
        }

        var text = _text[start.._index];
        return new Token(TokenKind.Operator, text, text, start + 1);
    }

    private Token LexWord()
    {
        var start = _index;
        ConsumeWordChars();

        // '+' is not a key character, but "1e+5" is one number; take it only right after an exponent marker.
        if (_index + 1 < _text.Length && _text[_index] == '+' && char.IsAsciiDigit(_text[_index + 1])
            && _text[_index - 1] is 'e' or 'E' && (char.IsAsciiDigit(_text[start]) || _text[start] is '-' or '.'))
        {
            _index++;
            ConsumeWordChars();
        }

        var text = _text[start.._index];
        return new Token(TokenKind.Word, text, text, start + 1);
    }

    private void ConsumeWordChars()
    {
        while (_index < _text.Length && IsWordChar(_text[_index]))
        {
            _index++;
        }
    }

    // A doubled delimiter stands for itself in every quoting style. In strings, backslash escapes the quotes and
    // itself; any other backslash pair is kept verbatim so LIKE patterns such as '\%' reach the matcher intact.
    private Token LexQuoted(TokenKind kind, char quote)
    {
        var start = _index;
        var value = new StringBuilder();
        var i = start + 1;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (c == quote)
            {
                if (i + 1 < _text.Length && _text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }

                _index = i + 1;
                return new Token(kind, _text[start.._index], value.ToString(), start + 1);
            }

            if (c == '\\' && kind != TokenKind.Backticked && i + 1 < _text.Length)
            {
                var escaped = _text[i + 1];
                if (escaped is not ('\\' or '\'' or '"'))
                {
                    value.Append('\\');
                }

                value.Append(escaped);
                i += 2;
                continue;
            }

            value.Append(c);
            i++;
        }

        var what = kind == TokenKind.Backticked ? "backticked key" : "string";
        throw Error(start + 1, $"unterminated {what} starting with {quote}; close it with a matching {quote}");
    }
}
