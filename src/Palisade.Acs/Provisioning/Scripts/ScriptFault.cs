namespace Palisade.Acs.Provisioning.Scripts;

/// <summary>Why a script run failed: a code of <see cref="ScriptFaultCodes"/>, a message for the operator, and detail (the script's name and position).</summary>
/// <param name="Code">The code, e.g. <c>script.timeout</c>.</param>
/// <param name="Message">What happened.</param>
/// <param name="Detail">Where, or null.</param>
public sealed record ScriptFault(string Code, string Message, string? Detail);
