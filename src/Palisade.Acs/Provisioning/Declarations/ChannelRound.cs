namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>What one channel's scripts declared in one round, and whether they depend on data (read a result or called ext).</summary>
internal sealed class ChannelRound
{
    public List<Declaration> Declarations { get; } = [];

    public List<string> Log { get; } = [];

    /// <summary>How declarations of special roots (virtual parameters) resolve; the others go through <see cref="DeclarationResolver"/>.</summary>
    public Dictionary<Declaration, Func<FetchNeeds, List<ParameterNode>?>> Special { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Extension calls a run stopped at, by key.</summary>
    public SortedDictionary<string, ExtCall> PendingExt { get; } = new(StringComparer.Ordinal);

    /// <summary>The commit() count so far.</summary>
    public int Phase { get; set; }

    /// <summary>True once a script read a declaration's result or called ext: re-running it may declare something else.</summary>
    public bool DependsOnData { get; set; }

    /// <summary>Some run stopped at a read whose data is still to come.</summary>
    public bool Stopped { get; set; }

    /// <summary>Characters handed back so far (paths, values, log lines), against <see cref="Scripts.ScriptLimits.MaxResultChars"/>.</summary>
    public int ResultChars { get; set; }

    /// <summary>Where the round stands, for <see cref="Rewind"/>.</summary>
    public (int Declarations, int Log, int Phase, bool DependsOnData, bool Stopped, int ResultChars) Mark() =>
        (Declarations.Count, Log.Count, Phase, DependsOnData, Stopped, ResultChars);

    /// <summary>
    /// Undoes what a run recorded since <paramref name="mark"/>, before the same run is made again in a fresh engine. A
    /// run made again is one that ended in a script error, so it stopped at no read or ext call (those end a run as
    /// pending) and left no pending extension call.
    /// </summary>
    public void Rewind((int Declarations, int Log, int Phase, bool DependsOnData, bool Stopped, int ResultChars) mark)
    {
        foreach (var removed in Declarations.Skip(mark.Declarations))
        {
            Special.Remove(removed);
        }

        Declarations.RemoveRange(mark.Declarations, Declarations.Count - mark.Declarations);
        Log.RemoveRange(mark.Log, Log.Count - mark.Log);
        Phase = mark.Phase;
        DependsOnData = mark.DependsOnData;
        Stopped = mark.Stopped;
        ResultChars = mark.ResultChars;
    }
}
