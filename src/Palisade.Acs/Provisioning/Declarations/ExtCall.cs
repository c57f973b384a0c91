namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>One <c>ext(name, function, args…)</c> call: the extension's name, the function, and the arguments as a JSON array.</summary>
public sealed record ExtCall(string Name, string Function, string ArgumentsJson);
