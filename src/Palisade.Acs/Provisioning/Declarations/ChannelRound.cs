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
}
