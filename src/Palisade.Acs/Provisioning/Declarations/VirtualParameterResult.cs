namespace Palisade.Acs.Provisioning.Declarations;

/// <summary>What a virtual parameter's script returned: <c>{writable, value: [v, type]}</c>.</summary>
internal sealed record VirtualParameterResult(bool Writable, string Value, string Type);
