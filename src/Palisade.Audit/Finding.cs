using System.Text.Json.Serialization;

namespace Palisade.Audit;

/// <summary>How bad a finding is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("info")]
    Info,
    [JsonStringEnumMemberName("low")]
    Low,
    [JsonStringEnumMemberName("medium")]
    Medium,
    [JsonStringEnumMemberName("high")]
    High,
    [JsonStringEnumMemberName("critical")]
    Critical,
}

/// <summary>One thing the audit found: what, how bad, the evidence it saw, and how to fix it.</summary>
public sealed record Finding(string Id, Severity Severity, string Title, string Evidence, string Remedy);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<Finding>))]
public sealed partial class FindingJson : JsonSerializerContext
{
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class AuditJson : JsonSerializerContext
{
}
