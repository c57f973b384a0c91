namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>
/// Thrown when a script reads a declaration whose data this round does not have yet (stale or never fetched): the run
/// stops there, what it declared so far is fetched in one batch, and the next round runs it again with the data. Like
/// <see cref="ScriptAbort"/>, a script's <c>try</c>/<c>catch</c> never sees it.
/// </summary>
internal sealed class ScriptPending() : Exception("The script read data that is still being fetched.");
