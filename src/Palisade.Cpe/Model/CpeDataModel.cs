using System.Globalization;
using Palisade.Cwmp;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.Model;

/// <summary>
/// One device's parameter tree with TR-069's semantics: partial paths, NextLevel, writability, notification
/// attributes, AddObject/DeleteObject with instance numbers, and SetParameterValues applied all or nothing.
/// It stores only what differs from its <see cref="DeviceTemplate"/>.
/// </summary>
public sealed class CpeDataModel
{
    private readonly DeviceTemplate _template;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private ModelState _state;
    private long _bootTimestamp;

    public CpeDataModel(DeviceTemplate template, DeviceIdentity identity, TimeProvider? time = null, ModelState? state = null)
    {
        _template = template ?? throw new ArgumentNullException(nameof(template));
        Identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _time = time ?? TimeProvider.System;
        _state = state ?? new ModelState();
        _bootTimestamp = _time.GetTimestamp();
    }

    public DeviceIdentity Identity { get; }

    public string Root => _template.Root;

    public DeviceTemplate Template => _template;

    /// <summary>What differs from the template (persisted by <c>palisade cpe</c>).</summary>
    public ModelState State
    {
        get
        {
            lock (_gate)
            {
                return _state.Clone();
            }
        }
    }

    /// <summary>Called when a parameter with a notification attribute changes outside an ACS request: (path, active).</summary>
    public event Action<string, bool>? Notified;

    public string SoftwareVersion
    {
        get => Get(Root + "DeviceInfo.SoftwareVersion") ?? _template.Profile.SoftwareVersion;
    }

    /// <summary>Seconds since the (simulated) boot.</summary>
    public long UpTimeSeconds => (long)_time.GetElapsedTime(_bootTimestamp).TotalSeconds;

    /// <summary>Starts the uptime clock again (a reboot).</summary>
    public void Rebooted() => _bootTimestamp = _time.GetTimestamp();

    /// <summary>Forgets everything set since the factory (a factory reset).</summary>
    public void FactoryReset()
    {
        lock (_gate)
        {
            _state = new ModelState();
        }

        Rebooted();
    }

    /// <summary>The value of a parameter, or null when there is no such parameter.</summary>
    public string? Get(string path)
    {
        lock (_gate)
        {
            return Find(path) is { IsObject: false } entry ? ValueOf(entry) : null;
        }
    }

    /// <summary>The stored value even of a secret parameter (the agent's own credentials), or null when never set.</summary>
    public string? GetStored(string path)
    {
        lock (_gate)
        {
            return _state.Values.GetValueOrDefault(path);
        }
    }

    /// <summary>A parameter's value with its type.</summary>
    public ParameterValue? GetTyped(string path)
    {
        lock (_gate)
        {
            return Find(path) is { IsObject: false } entry ? Typed(entry) : null;
        }
    }

    /// <summary>Sets a value from inside the device (the user, the firmware): fires notifications, no checks.</summary>
    public void SetLocal(string path, string value)
    {
        int notification;
        lock (_gate)
        {
            if (Find(path) is not { IsObject: false })
            {
                throw new ArgumentException($"{path} is not a parameter of this device.", nameof(path));
            }

            if (_state.Values.TryGetValue(path, out var old) && old == value)
            {
                return;
            }

            _state.Values[path] = value;
            notification = _state.Notifications.GetValueOrDefault(path);
        }

        if (notification > 0)
        {
            Notified?.Invoke(path, notification == 2);
        }
    }

    /// <summary>Sets a value the agent itself manages (credentials, URL) without notification or checks.</summary>
    public void SetInternal(string path, string value)
    {
        lock (_gate)
        {
            _state.Values[path] = value;
        }
    }

    /// <summary>GetParameterNames.</summary>
    public IReadOnlyList<ParameterInfoStruct> GetNames(string path, bool nextLevel)
    {
        lock (_gate)
        {
            path ??= string.Empty;
            if (path.Length == 0)
            {
                path = Root;
                if (nextLevel)
                {
                    return [new ParameterInfoStruct(Root, false)];
                }
            }

            var exact = Find(path) ?? throw InvalidName(path);
            if (!exact.IsObject)
            {
                return nextLevel
                    ? throw new CpeFaultException(FaultCode.InvalidArguments, "NextLevel true is only valid for a partial path (ending with '.').")
                    : [new ParameterInfoStruct(path, exact.Parameter!.Writable)];
            }

            var depth = Depth(path);
            var result = new List<ParameterInfoStruct>();
            foreach (var entry in Subtree(path))
            {
                if (nextLevel && Depth(entry.Path) != depth + 1)
                {
                    continue;
                }

                if (!nextLevel && entry.Path == path && path == Root)
                {
                    continue;
                }

                result.Add(new ParameterInfoStruct(entry.Path, entry.IsObject ? WritableObject(entry) : entry.Parameter!.Writable));
            }

            return result;
        }
    }

    /// <summary>GetParameterValues: full names and partial paths; an unknown name faults the whole request (9005).</summary>
    public IReadOnlyList<ParameterValueStruct> GetValues(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_gate)
        {
            var result = new List<ParameterValueStruct>();
            foreach (var name in names)
            {
                var n = name.Length == 0 ? Root : name;
                var entry = Find(n) ?? throw InvalidName(n);
                if (!entry.IsObject)
                {
                    result.Add(new ParameterValueStruct(n, Typed(entry)));
                    continue;
                }

                foreach (var child in Subtree(n))
                {
                    if (!child.IsObject)
                    {
                        result.Add(new ParameterValueStruct(child.Path, Typed(child)));
                    }
                }
            }

            return result;
        }
    }

    /// <summary>
    /// SetParameterValues, all or nothing: every value is checked first (name 9005, writability 9008, type 9006,
    /// value 9007, and <paramref name="guard"/> for values the agent protects); if any fails, nothing changes and
    /// the fault lists each failing parameter. On success ParameterKey takes <paramref name="parameterKey"/>.
    /// </summary>
    public void SetValues(IReadOnlyList<ParameterValueStruct> values, string parameterKey, Func<string, string, string?>? guard = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        lock (_gate)
        {
            var faults = new List<SetParameterValuesFault>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var accepted = new List<(string Path, string Value)>();
            foreach (var v in values)
            {
                if (!seen.Add(v.Name))
                {
                    throw new CpeFaultException(FaultCode.InvalidArguments, $"{v.Name} appears twice in one SetParameterValues.");
                }

                var entry = Find(v.Name);
                if (entry is null || entry.IsObject)
                {
                    faults.Add(new(v.Name, FaultCode.InvalidParameterName, "Invalid parameter name"));
                    continue;
                }

                var p = entry.Parameter!;
                if (!p.Writable)
                {
                    faults.Add(new(v.Name, FaultCode.NonWritableParameter, "Attempt to set a non-writable parameter"));
                    continue;
                }

                if (Check(p, v.Value) is { } problem)
                {
                    faults.Add(new(v.Name, problem.Code, problem.Message));
                    continue;
                }

                if (guard?.Invoke(v.Name, v.Value.Text) is { } refusal)
                {
                    faults.Add(new(v.Name, FaultCode.InvalidParameterValue, refusal));
                    continue;
                }

                accepted.Add((v.Name, Canonical(p, v.Value.Text)));
            }

            if (faults.Count > 0)
            {
                throw new CpeFaultException(FaultCode.InvalidArguments, "Invalid arguments", faults);
            }

            foreach (var (path, value) in accepted)
            {
                _state.Values[path] = value;
            }

            _state.Values[Root + "ManagementServer.ParameterKey"] = parameterKey;
        }
    }

    /// <summary>GetParameterAttributes.</summary>
    public IReadOnlyList<ParameterAttributeStruct> GetAttributes(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        lock (_gate)
        {
            var result = new List<ParameterAttributeStruct>();
            foreach (var name in names)
            {
                var n = name.Length == 0 ? Root : name;
                var entry = Find(n) ?? throw InvalidName(n);
                foreach (var e in entry.IsObject ? Subtree(n).Where(x => !x.IsObject) : [entry])
                {
                    result.Add(new ParameterAttributeStruct(e.Path, _state.Notifications.GetValueOrDefault(e.Path), [.. _state.AccessLists.GetValueOrDefault(e.Path) ?? []]));
                }
            }

            return result;
        }
    }

    /// <summary>SetParameterAttributes; active notification is refused (9009) on values that change all the time.</summary>
    public void SetAttributes(IReadOnlyList<SetParameterAttributesStruct> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        lock (_gate)
        {
            var changes = new List<(string Path, SetParameterAttributesStruct Attribute)>();
            foreach (var a in attributes)
            {
                var entry = Find(a.Name.Length == 0 ? Root : a.Name) ?? throw InvalidName(a.Name);
                if (a.NotificationChange && a.Notification is < 0 or > 2)
                {
                    throw new CpeFaultException(FaultCode.InvalidArguments, $"Notification {a.Notification} is not 0, 1 or 2.");
                }

                foreach (var e in entry.IsObject ? Subtree(entry.Path).Where(x => !x.IsObject) : [entry])
                {
                    if (a.NotificationChange && a.Notification == 2 && ValueGenerator.IsDynamic(e))
                    {
                        throw new CpeFaultException(FaultCode.NotificationRequestRejected, $"Active notification is not allowed on {e.Path}, which changes continuously.");
                    }

                    changes.Add((e.Path, a));
                }
            }

            foreach (var (path, a) in changes)
            {
                if (a.NotificationChange)
                {
                    if (a.Notification == 0)
                    {
                        _state.Notifications.Remove(path);
                    }
                    else
                    {
                        _state.Notifications[path] = a.Notification;
                    }
                }

                if (a.AccessListChange)
                {
                    _state.AccessLists[path] = [.. a.AccessList];
                }
            }
        }
    }

    /// <summary>AddObject: a new instance of a writable table, with its parameters at their defaults.</summary>
    public uint AddObject(string tablePath, string parameterKey)
    {
        lock (_gate)
        {
            var table = TableSchema(tablePath) ?? throw new CpeFaultException(FaultCode.InvalidParameterName, $"{tablePath} is not a table of this device.");
            if (!table.Writable)
            {
                throw new CpeFaultException(FaultCode.RequestDenied, $"Instances of {tablePath} cannot be added by the ACS.");
            }

            var existing = Subtree(tablePath).Where(e => e.IsObject && Depth(e.Path) == Depth(tablePath) + 1)
                .Select(e => uint.Parse(e.Path.AsSpan(tablePath.Length, e.Path.Length - tablePath.Length - 1), CultureInfo.InvariantCulture))
                .DefaultIfEmpty(0u).Max();
            var next = Math.Max(existing, _state.NextInstance.GetValueOrDefault(tablePath)) + 1;
            _state.NextInstance[tablePath] = next;
            var instance = tablePath + next.ToString(CultureInfo.InvariantCulture) + ".";
            _state.Deleted.Remove(instance);
            _state.Added.Add(instance);
            _state.Values[Root + "ManagementServer.ParameterKey"] = parameterKey;
            return next;
        }
    }

    /// <summary>DeleteObject: removes an instance and everything under it.</summary>
    public void DeleteObject(string instancePath, string parameterKey)
    {
        lock (_gate)
        {
            var entry = Find(instancePath);
            if (entry is null || !entry.IsTableInstance)
            {
                throw new CpeFaultException(FaultCode.InvalidParameterName, $"{instancePath} is not an instance of a table.");
            }

            if (!entry.Object.Writable)
            {
                throw new CpeFaultException(FaultCode.RequestDenied, $"Instances of {entry.Object.TablePath} cannot be deleted by the ACS.");
            }

            _state.Added.RemoveAll(a => a.StartsWith(instancePath, StringComparison.Ordinal));
            _state.Deleted.Add(instancePath);
            foreach (var key in _state.Values.Keys.Where(k => k.StartsWith(instancePath, StringComparison.Ordinal)).ToList())
            {
                _state.Values.Remove(key);
            }

            _state.Values[Root + "ManagementServer.ParameterKey"] = parameterKey;
        }
    }

    /// <summary>The parameters with a notification attribute (passive or active); every Inform carries them.</summary>
    public IReadOnlyList<string> NotifiedParameters()
    {
        lock (_gate)
        {
            return [.. _state.Notifications.Keys.Where(k => Find(k) is not null)];
        }
    }

    private static CpeFaultException InvalidName(string path) =>
        new(FaultCode.InvalidParameterName, $"Invalid parameter name: {(path.Length > 128 ? path[..128] + "…" : path)}");

    private static int Depth(string path) => path.Count(c => c == '.') - (path.EndsWith('.') ? 1 : 0);

    // A table (or an instance of one) is writable when the ACS may add (or delete) instances.
    private static bool WritableObject(TemplateEntry entry) => entry.Object.IsTable && entry.Object.Writable;

    private bool IsDeleted(string path) => _state.Deleted.Count > 0 && _state.Deleted.Any(d => path.StartsWith(d, StringComparison.Ordinal));

    private TemplateEntry? Find(string path)
    {
        if (IsDeleted(path))
        {
            return null;
        }

        if (_template.Index.TryGetValue(path, out var i))
        {
            return _template.Entries[i];
        }

        return _state.Added.Count == 0 ? null : AddedEntries().FirstOrDefault(e => e.Path == path);
    }

    private IEnumerable<TemplateEntry> Subtree(string prefix)
    {
        var (start, end) = _template.Range(prefix);
        IEnumerable<TemplateEntry> fromTemplate = _template.Entries[start..end].Where(e => !IsDeleted(e.Path));
        if (_state.Added.Count == 0)
        {
            return fromTemplate;
        }

        return fromTemplate.Concat(AddedEntries().Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)))
            .OrderBy(e => e.Path, StringComparer.Ordinal);
    }

    // The entries of instances added by AddObject: the table's schema instantiated under the new instance path.
    private IEnumerable<TemplateEntry> AddedEntries()
    {
        foreach (var instance in _state.Added)
        {
            var table = TableSchema(instance[..(instance.TrimEnd('.').LastIndexOf('.') + 1)]);
            if (table is null)
            {
                continue;
            }

            yield return new TemplateEntry(instance, table, null, null, null);
            foreach (var p in table.Parameters)
            {
                // Tables nested in a new instance start empty: their counters read 0.
                var counts = p.Name.EndsWith("NumberOfEntries", StringComparison.Ordinal) ? instance + "\u0000empty." : null;
                yield return new TemplateEntry(instance + p.Name, table, p, null, counts);
            }
        }
    }

    // The schema of the table at a concrete path ("Device.WiFi.SSID." → "Device.WiFi.SSID.{i}.").
    private ObjectSchema? TableSchema(string tablePath)
    {
        if (!tablePath.EndsWith('.'))
        {
            return null;
        }

        var parts = tablePath.TrimEnd('.').Split('.');
        var schemaPath = string.Join('.', parts.Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? "{i}" : p)) + ".{i}.";
        return _template.Schema.ByPath.TryGetValue(schemaPath, out var table) && table.IsTable && ParentExists(tablePath) ? table : null;
    }

    private bool ParentExists(string tablePath)
    {
        var parent = tablePath[..(tablePath.TrimEnd('.').LastIndexOf('.') + 1)];
        return parent.Length == 0 || Find(parent) is not null;
    }

    private string ValueOf(TemplateEntry entry)
    {
        if (entry.CountsTable is { } table)
        {
            var depth = Depth(table) + 1;
            return Subtree(table).Count(e => e.IsObject && Depth(e.Path) == depth).ToString(CultureInfo.InvariantCulture);
        }

        if (_state.Values.TryGetValue(entry.Path, out var value))
        {
            return entry.Parameter!.Secured ? string.Empty : value;
        }

        var generated = ValueGenerator.Generate(entry, Identity, _state.Values.GetValueOrDefault(Root + "DeviceInfo.SoftwareVersion") ?? _template.Profile.SoftwareVersion, UpTimeSeconds, _time.GetUtcNow());
        return entry.Parameter!.Secured ? string.Empty : generated;
    }

    private ParameterValue Typed(TemplateEntry entry)
    {
        var text = ValueOf(entry);
        try
        {
            return ParameterValue.Parse(TypeName(entry.Parameter!.Type), text);
        }
        catch (CwmpException)
        {
            return ParameterValue.String(text);
        }
    }

    private static string TypeName(XsdType type) => ParameterValue.TypeNameOf(type);

    private static (int Code, string Message)? Check(ParameterSchema p, ParameterValue value)
    {
        if (value.Type != p.Type)
        {
            // Many ACSs send xsd:string for everything; accept a string that reads as the right type.
            if (value.Type != XsdType.String)
            {
                return (FaultCode.InvalidParameterType, $"Expected {TypeName(p.Type)}, got {value.TypeName}");
            }

            try
            {
                ParameterValue.Parse(TypeName(p.Type), value.Text);
            }
            catch (CwmpException)
            {
                return (FaultCode.InvalidParameterType, $"'{Clip(value.Text)}' is not a valid {TypeName(p.Type)}");
            }
        }

        if (p.Enumeration.Count > 0 && !p.IsList && !p.Enumeration.Contains(value.Text))
        {
            return (FaultCode.InvalidParameterValue, $"'{Clip(value.Text)}' is not one of the allowed values");
        }

        if (p.MaxLength is { } max && value.Text.Length > max && !p.IsList)
        {
            return (FaultCode.InvalidParameterValue, $"Longer than {max} characters");
        }

        if ((p.Min is not null || p.Max is not null) && long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            && ((p.Min is { } lo && n < lo) || (p.Max is { } hi && n > hi)))
        {
            return (FaultCode.InvalidParameterValue, $"{n} is outside {p.Min}..{p.Max}");
        }

        return null;
    }

    private static string Canonical(ParameterSchema p, string text) =>
        p.Type == XsdType.Boolean ? (text is "1" or "true" ? "true" : "false") : text;

    private static string Clip(string text) => Palisade.Cwmp.ClientText.Shorten(text, 32);
}

/// <summary>What a device changed relative to its template; small, serialisable.</summary>
public sealed class ModelState
{
    public Dictionary<string, string> Values { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Notifications { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string[]> AccessLists { get; set; } = new(StringComparer.Ordinal);

    public List<string> Added { get; set; } = [];

    public List<string> Deleted { get; set; } = [];

    public Dictionary<string, uint> NextInstance { get; set; } = new(StringComparer.Ordinal);

    public ModelState Clone() => new()
    {
        Values = new(Values, StringComparer.Ordinal),
        Notifications = new(Notifications, StringComparer.Ordinal),
        AccessLists = new(AccessLists, StringComparer.Ordinal),
        Added = [.. Added],
        Deleted = [.. Deleted],
        NextInstance = new(NextInstance, StringComparer.Ordinal),
    };
}
