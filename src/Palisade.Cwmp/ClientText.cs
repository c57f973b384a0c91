namespace Palisade.Cwmp;

/// <summary>
/// Client input repeated back in an error, a fault string or a log line is clipped here first: an unauthenticated
/// peer must not make the ACS write (or answer with) a megabyte of its own text.
/// </summary>
public static class ClientText
{
    /// <summary>The most characters of one piece of client input that an error repeats.</summary>
    public const int MaxEcho = 64;

    /// <summary>The most characters of a whole error message that carries client input.</summary>
    public const int MaxMessage = 512;

    /// <summary><paramref name="text"/> cut to <paramref name="max"/> characters, with "…" and the full length when it was longer.</summary>
    public static string Clip(string? text, int max = MaxEcho)
    {
        if (text is null)
        {
            return string.Empty;
        }

        if (text.Length <= max)
        {
            return text;
        }

        return string.Concat(Cut(text, max), $"… ({text.Length} characters)");
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> characters and "…" when it was longer (for a short
    /// echo in a message), never inside a surrogate pair.
    /// </summary>
    public static string Shorten(string? text, int max)
    {
        var cut = Cut(text, max);
        return text is not null && text.Length > max ? cut + "…" : cut;
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="max"/> characters, with nothing added (for text that is
    /// stored within a bound), and never inside a surrogate pair: what is stored or logged stays valid UTF-16.
    /// </summary>
    public static string Cut(string? text, int max)
    {
        if (text is null)
        {
            return string.Empty;
        }

        if (text.Length <= max)
        {
            return text;
        }

        return text[..(max > 0 && char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
    }
}
