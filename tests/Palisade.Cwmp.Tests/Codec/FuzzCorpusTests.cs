using Palisade.Cwmp.Fuzz;

namespace Palisade.Cwmp.Tests.Codec;

/// <summary>Replays the fuzzer's corpus through the fuzz target's property.</summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> Inputs() =>
        new(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus")).Select(f => Path.GetFileName(f)));

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Fuzz_corpus_input_parses_and_round_trips_or_is_rejected_cleanly(string file)
    {
        ParserTarget.Run(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "FuzzCorpus", file)));
    }

    [Fact]
    public void The_corpus_is_not_empty()
    {
        Assert.True(Inputs().Count >= 10);
    }
}
