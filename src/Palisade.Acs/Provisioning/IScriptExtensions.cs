using Palisade.Acs.Provisioning.Declarations;

namespace Palisade.Acs.Provisioning;

/// <summary>
/// <c>ext()</c>'s other end: an operator-configured, allow-listed HTTPS endpoint per extension name, called with a
/// timeout and a bound on the answer's size. Never a process.
/// </summary>
public interface IScriptExtensions
{
    /// <summary>The endpoint's JSON answer to <paramref name="call"/>; throws <see cref="ScriptExtensionException"/> when the call is not allowed or fails.</summary>
    Task<string> CallAsync(ExtCall call, CancellationToken cancellationToken);
}
