namespace Palisade.Acs.Provisioning;

/// <summary>The outcome of a write: what is stored now, and whether it was created.</summary>
/// <typeparam name="T">What was written.</typeparam>
/// <param name="Value">What is stored now.</param>
/// <param name="Created">True when there was none by that name before.</param>
public sealed record Written<T>(T Value, bool Created);
