namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// What the sandbox's own functions (<c>Date.now</c>, <c>Math.random</c>) read during one run: the run's device and
/// clock, and the random sequence restarted for it. A pooled engine keeps one and points it at each run in turn.
/// </summary>
internal sealed class SandboxState
{
    private SandboxContext _context;

    public SandboxState(SandboxContext context)
    {
        _context = context;
        Random = new DeviceRandom(context.DeviceHash);
    }

    public SandboxContext Context => _context;

    public DeviceRandom Random { get; private set; }

    /// <summary>Points the state at a new run: its context, and <c>Math.random()</c> restarted from the device's seed.</summary>
    public void Begin(SandboxContext context)
    {
        _context = context;
        Random = new DeviceRandom(context.DeviceHash);
    }
}
