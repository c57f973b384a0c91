namespace Palisade.Server.Listeners;

/// <summary>
/// One bound an operator can set by name (<c>--limit NAME=VALUE</c>, the settings file's <c>limits</c> object,
/// <c>PALISADE_LIMITS</c>): where it lives in <see cref="ServerOptions"/>, its unit and what it bounds.
/// </summary>
public sealed record LimitSetting(string Name, string Unit, string Description, Func<ServerOptions, long> Get, Action<ServerOptions, long> Set);
