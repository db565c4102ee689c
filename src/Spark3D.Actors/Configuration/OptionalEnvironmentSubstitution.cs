using System.Text;
using System.Text.Json;

namespace Spark3D.Actors.Configuration;

/// <summary>
/// Expands HOCON's optional environment substitutions, <c>${?NAME}</c>, in user text before Akka parses it. Akka's
/// parser (1.5) does not know the <c>?</c> form: it reads <c>${?NAME}</c> as a substitution of the empty path, i.e. of
/// the whole document, so the value contains its own root and every walk of the tree (our settings check, rendering,
/// merging) never ends. The HOCON spec's meaning is kept:
/// <list type="bullet">
/// <item>NAME set: its value, as a quoted string (anywhere, also inside a concatenation);</item>
/// <item>NAME unset, the substitution is a field's whole value: the field is not set (so an earlier value, or the
/// built-in default, stays);</item>
/// <item>NAME unset, the substitution is an array element: the element is left out;</item>
/// <item>NAME unset, inside a concatenation (<c>"/data/"${?NAME}</c>): the empty string.</item>
/// </list>
/// A path with dots (<c>${?a.b}</c>) is a reference to the configuration, not an environment variable: it becomes Akka's
/// own <c>${a.b}</c>, which resolves within the same text or fails with "Unresolved substitution". Quoted strings and
/// comments are left as they are.
/// </summary>
public static class OptionalEnvironmentSubstitution
{
    /// <summary><paramref name="text"/> with every <c>${?NAME}</c> outside strings and comments expanded from
    /// <paramref name="environment"/> (the process's environment when null).</summary>
    public static string Expand(string text, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("${?", StringComparison.Ordinal)) return text;
        environment ??= Environment.GetEnvironmentVariable;
        var output = new StringBuilder(text.Length);
        int statementStart = 0; // in output: where the current field (key = value) begins
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '"')
            {
                int end = QuotedEnd(text, i);
                output.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c == '#' || (c == '/' && At(text, i, "//")))
            {
                int end = text.IndexOf('\n', i);
                end = end < 0 ? text.Length : end;
                output.Append(text, i, end - i);
                i = end;
                continue;
            }
            if (c is '\n' or '{' or '[' or ',')
            {
                output.Append(c);
                statementStart = output.Length;
                i++;
                continue;
            }
            if (c == '$' && At(text, i, "${?"))
            {
                int close = text.IndexOf('}', i);
                if (close < 0) break; // unclosed: left to the parser's own error
                string name = text[(i + 3)..close].Trim();
                i = close + 1;
                if (name.Contains('.', StringComparison.Ordinal))
                {
                    output.Append("${").Append(name).Append('}');
                    continue;
                }
                if (environment(name) is { } value)
                {
                    output.Append(JsonSerializer.Serialize(value)); // a JSON string is a HOCON quoted string
                    continue;
                }
                char before = LastSignificant(output);
                bool whole = EndsValue(text, i);
                if (whole && before is '=' or ':')
                {
                    output.Length = statementStart; // drop "key = " as well: the field is not set
                }
                else if (whole && before is '[' or ',')
                {
                    i = SkipComma(text, i); // the element is left out, with its separator
                }
                // Else inside a concatenation: nothing, i.e. the empty string (a written "" next to a quoted part would
                // read as the opening of a triple-quoted string).
                continue;
            }
            output.Append(c);
            i++;
        }
        if (i < text.Length) output.Append(text, i, text.Length - i);
        return output.ToString();
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;

    // The index after the quoted string starting at i ("..." with escapes, or """...""").
    private static int QuotedEnd(string text, int i)
    {
        if (At(text, i, "\"\"\""))
        {
            int close = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            return close < 0 ? text.Length : close + 3;
        }
        for (int j = i + 1; j < text.Length; j++)
        {
            if (text[j] == '\\') j++;
            else if (text[j] == '"' || text[j] == '\n') return j + 1;
        }
        return text.Length;
    }

    private static char LastSignificant(StringBuilder output)
    {
        for (int j = output.Length - 1; j >= 0; j--)
        {
            if (!char.IsWhiteSpace(output[j])) return output[j];
        }
        return '\0';
    }

    // True when only spaces or tabs stand between i and the end of the value (line end, separator, comment, end of text).
    private static bool EndsValue(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t') i++;
        return i >= text.Length || text[i] is '\r' or '\n' or ',' or '}' or ']' or '#' || At(text, i, "//");
    }

    private static int SkipComma(string text, int i)
    {
        int j = i;
        while (j < text.Length && text[j] is ' ' or '\t') j++;
        return j < text.Length && text[j] == ',' ? j + 1 : i;
    }
}
