using Palisade.Cwmp.Codec;

namespace Palisade.Cwmp.Fuzz;

/// <summary>
/// The property the fuzzer checks: any input either parses, and then writes and parses back to
/// an equal envelope, or is rejected with <see cref="CwmpException"/>. Anything else crashes.
/// </summary>
public static class ParserTarget
{
    /// <summary>Runs one input.</summary>
    public static void Run(byte[] input)
    {
        Envelope.CwmpEnvelope parsed;
        try
        {
            parsed = CwmpReader.Parse(input);
        }
        catch (CwmpException)
        {
            return;
        }

        if (parsed.Body is null || !CwmpMethods.ExistsIn(parsed.Body.MethodName, parsed.Version))
        {
            return;
        }

        byte[] written;
        try
        {
            written = CwmpWriter.ToBytes(parsed);
        }
        catch (ArgumentException)
        {
            // A parsed value XML cannot carry back (e.g. a header of a newer version) is not a parser bug.
            return;
        }

        var again = CwmpReader.Parse(written);
        if (!Equals(again.Body, parsed.Body))
        {
            throw new InvalidOperationException("A parsed message did not survive a write/parse round trip.");
        }
    }
}
