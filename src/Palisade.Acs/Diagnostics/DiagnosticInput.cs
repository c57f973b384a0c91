namespace Palisade.Acs.Diagnostics;

/// <summary>An input of a diagnostic: its camelCase name in the task, its parameter name, and whether it is a number.</summary>
/// <param name="Json">The name in the task JSON.</param>
/// <param name="Parameter">The parameter under the diagnostic's object.</param>
/// <param name="Number">An unsignedInt (otherwise a string).</param>
/// <param name="Required">The task must give it.</param>
public sealed record DiagnosticInput(string Json, string Parameter, bool Number, bool Required = false);
