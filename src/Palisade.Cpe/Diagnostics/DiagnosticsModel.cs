using System.Globalization;
using Palisade.Cpe.Model;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Diagnostics;

/// <summary>
/// The agent's own TR-143 diagnostics objects (TR-181 <c>Device.IP.Diagnostics.*</c> and
/// <c>Device.DNS.Diagnostics.NSLookupDiagnostics.</c>; TR-098 <c>InternetGatewayDevice.IPPingDiagnostics.</c> and
/// the like): inputs the ACS sets, <c>DiagnosticsState</c>, and the results the runner writes. Thread-safe.
/// </summary>
public sealed class DiagnosticsModel
{
    private static readonly Dictionary<string, string[]> Inputs = new(StringComparer.Ordinal)
    {
        ["IPPing"] = ["Interface", "Host", "NumberOfRepetitions", "Timeout", "DataBlockSize", "DSCP", "ProtocolVersion"],
        ["TraceRoute"] = ["Interface", "Host", "NumberOfTries", "Timeout", "DataBlockSize", "DSCP", "MaxHopCount", "ProtocolVersion"],
        ["DownloadDiagnostics"] = ["Interface", "DownloadURL", "DSCP", "EthernetPriority", "ProtocolVersion"],
        ["UploadDiagnostics"] = ["Interface", "UploadURL", "DSCP", "EthernetPriority", "TestFileLength", "ProtocolVersion"],
        ["NSLookupDiagnostics"] = ["Interface", "HostName", "DNSServer", "Timeout", "NumberOfRepetitions"],
        ["UDPEchoDiagnostics"] = ["Interface", "Host", "Port", "NumberOfRepetitions", "Timeout", "DataBlockSize", "DSCP", "InterTransmissionTime", "ProtocolVersion"],
    };

    private static readonly string[] Numbers = ["NumberOfRepetitions", "Timeout", "DataBlockSize", "DSCP", "NumberOfTries", "MaxHopCount", "EthernetPriority", "TestFileLength", "Port", "InterTransmissionTime"];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, ParameterValue>> _objects = new(StringComparer.Ordinal);
    private readonly string _root;

    /// <summary>The model for a device whose root is <paramref name="root"/> (<c>Device.</c> or <c>InternetGatewayDevice.</c>).</summary>
    public DiagnosticsModel(string root)
    {
        _root = root;
        foreach (var kind in Inputs.Keys)
        {
            var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal) { ["DiagnosticsState"] = ParameterValue.String("None") };
            foreach (var input in Inputs[kind])
            {
                values[input] = Numbers.Contains(input) ? ParameterValue.UnsignedInt(0) : ParameterValue.String(string.Empty);
            }

            if (PathOf(kind) is { } path)
            {
                _objects[path] = values;
            }
        }
    }

    /// <summary>The object path of a diagnostic kind (e.g. <c>IPPing</c>) in this device's model, or null.</summary>
    public string? PathOf(string kind)
    {
        var tr098 = _root.StartsWith("InternetGatewayDevice", StringComparison.Ordinal);
        return kind switch
        {
            "IPPing" => tr098 ? _root + "IPPingDiagnostics." : _root + "IP.Diagnostics.IPPing.",
            "TraceRoute" => tr098 ? _root + "TraceRouteDiagnostics." : _root + "IP.Diagnostics.TraceRoute.",
            "DownloadDiagnostics" => tr098 ? _root + "DownloadDiagnostics." : _root + "IP.Diagnostics.DownloadDiagnostics.",
            "UploadDiagnostics" => tr098 ? _root + "UploadDiagnostics." : _root + "IP.Diagnostics.UploadDiagnostics.",
            "NSLookupDiagnostics" => _root + "DNS.Diagnostics.NSLookupDiagnostics.",
            "UDPEchoDiagnostics" => tr098 ? null : _root + "IP.Diagnostics.UDPEchoDiagnostics.",
            _ => null,
        };
    }

    /// <summary>True for a name inside one of the diagnostics objects.</summary>
    public bool Owns(string name) => _objects.Keys.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    /// <summary>
    /// Sets inputs (all checked before any is set); returns the kinds whose DiagnosticsState became Requested. A write
    /// of an input while a diagnostic is requested cancels it (TR-143: the state goes back to None).
    /// </summary>
    public IReadOnlyList<string> Set(IEnumerable<ParameterValueStruct> values)
    {
        var list = values.ToList();
        lock (_gate)
        {
            Check(list);
            var requested = new List<string>();
            foreach (var v in list)
            {
                var (path, leaf) = Split(v.Name);
                var target = _objects[path!];
                if (leaf == "DiagnosticsState")
                {
                    requested.Add(KindOf(path!));
                    target["DiagnosticsState"] = ParameterValue.String("Requested");
                }
                else
                {
                    target[leaf] = Numbers.Contains(leaf) ? ParameterValue.UnsignedInt(uint.Parse(v.Value.Text, CultureInfo.InvariantCulture)) : ParameterValue.String(v.Value.Text);
                    if (target["DiagnosticsState"].Text == "Requested" && !requested.Contains(KindOf(path!)))
                    {
                        target["DiagnosticsState"] = ParameterValue.String("None");
                    }
                }
            }

            return requested;
        }
    }

    /// <summary>Throws the CPE fault that <see cref="Set"/> would for <paramref name="values"/>; sets nothing.</summary>
    public void Check(IEnumerable<ParameterValueStruct> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var v in values)
        {
            var (path, leaf) = Split(v.Name);
            if (path is null || !(leaf == "DiagnosticsState" || Inputs[KindOf(path)].Contains(leaf)))
            {
                throw new CpeFaultException(FaultCode.InvalidParameterName, $"{v.Name} is not a writable diagnostics parameter.");
            }

            if (leaf == "DiagnosticsState" && v.Value.Text != "Requested")
            {
                throw new CpeFaultException(FaultCode.InvalidParameterValue, "DiagnosticsState can only be set to Requested.");
            }

            if (Numbers.Contains(leaf) && !uint.TryParse(v.Value.Text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw new CpeFaultException(FaultCode.InvalidParameterType, $"{v.Name} is an unsignedInt.");
            }
        }
    }

    /// <summary>An input's text (numbers in decimal).</summary>
    public string Input(string kind, string name)
    {
        lock (_gate)
        {
            return _objects[PathOf(kind)!].TryGetValue(name, out var v) ? v.Text : string.Empty;
        }
    }

    /// <summary>An input as a number, or <paramref name="fallback"/> when it is 0.</summary>
    public uint Number(string kind, string name, uint fallback) =>
        uint.TryParse(Input(kind, name), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;

    /// <summary>Ends a diagnostic: its state and results (results of an earlier run are dropped).</summary>
    public void Complete(string kind, string state, IReadOnlyDictionary<string, ParameterValue> results)
    {
        lock (_gate)
        {
            var values = _objects[PathOf(kind)!];
            foreach (var key in values.Keys.Where(k => k != "DiagnosticsState" && !Inputs[kind].Contains(k)).ToList())
            {
                values.Remove(key);
            }

            foreach (var (key, value) in results)
            {
                values[key] = value;
            }

            values["DiagnosticsState"] = ParameterValue.String(state);
        }
    }

    /// <summary>GetParameterValues for names inside the diagnostics objects (partial paths expand).</summary>
    public IReadOnlyList<ParameterValueStruct> Get(IEnumerable<string> names)
    {
        var result = new List<ParameterValueStruct>();
        lock (_gate)
        {
            var all = _objects.SelectMany(o => o.Value.Select(v => new ParameterValueStruct(o.Key + v.Key, v.Value))).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
            foreach (var name in names)
            {
                var matched = name.EndsWith('.') ? all.Where(v => v.Name.StartsWith(name, StringComparison.Ordinal)).ToList() : all.Where(v => v.Name == name).ToList();
                if (matched.Count == 0)
                {
                    throw new CpeFaultException(FaultCode.InvalidParameterName, $"{name} is not a parameter of this device.");
                }

                result.AddRange(matched);
            }
        }

        return result;
    }

    private (string? Path, string Leaf) Split(string name)
    {
        foreach (var path in _objects.Keys)
        {
            if (name.StartsWith(path, StringComparison.Ordinal) && !name.AsSpan(path.Length).Contains('.'))
            {
                return (path, name[path.Length..]);
            }
        }

        return (null, string.Empty);
    }

    private string KindOf(string path) => Inputs.Keys.First(k => PathOf(k) == path);
}
