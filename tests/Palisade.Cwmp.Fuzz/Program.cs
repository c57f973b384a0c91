using Palisade.Cwmp.Fuzz;
using SharpFuzz;

// A SharpFuzz target for the CWMP parser. See README.md for how to instrument and run it.
// `libfuzzer` (default) runs under libFuzzer's driver; `afl` runs under afl-fuzz.
if (args is ["afl", ..])
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        ParserTarget.Run(buffer.ToArray());
    });
}
else
{
    Fuzzer.LibFuzzer.Run(span => ParserTarget.Run(span.ToArray()));
}

return 0;
