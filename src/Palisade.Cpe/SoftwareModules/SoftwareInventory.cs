using System.Globalization;
using Palisade.Cwmp.Faults;
using Palisade.Cwmp.Structs;
using Palisade.Cwmp.Values;

namespace Palisade.Cpe.SoftwareModules;

/// <summary>
/// The agent's own software-module model (TR-157, the <c>SoftwareModules.</c> object of TR-181 and TR-098): one
/// execution environment, and the deployment units installed in it, each with one execution unit that runs while it
/// is installed. ChangeDUState installs, updates and uninstalls; GetParameterValues under <c>SoftwareModules.</c>
/// reads it. Thread-safe.
/// </summary>
public sealed class SoftwareInventory
{
    /// <summary>The most deployment units one device holds.</summary>
    public const int MaxUnits = 64;

    private readonly Lock _gate = new();
    private readonly List<DeploymentUnit> _units = [];
    private uint _next = 1;

    /// <summary>The installed deployment units.</summary>
    public IReadOnlyList<DeploymentUnit> Units
    {
        get
        {
            lock (_gate)
            {
                return [.. _units];
            }
        }
    }

    /// <summary>Installs a unit; a fault code (0 for success) and the unit.</summary>
    public (int Fault, string Message, DeploymentUnit? Unit) Install(string uuid, string url, string name, string version)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        if (uuid.Length > 0 && !Guid.TryParseExact(uuid, "D", out _))
        {
            return (FaultCode.InvalidUuidFormat, "the UUID is not in the 8-4-4-4-12 form", null);
        }

        lock (_gate)
        {
            var id = uuid.Length > 0 ? uuid.ToLowerInvariant() : Guid.NewGuid().ToString("D");
            if (_units.Any(u => u.Uuid == id))
            {
                return (FaultCode.DuplicateDeploymentUnit, "a deployment unit with this UUID is installed", null);
            }

            if (_units.Count >= MaxUnits)
            {
                return (FaultCode.SystemResourcesExceeded, $"at most {MaxUnits} deployment units", null);
            }

            var unit = new DeploymentUnit(_next++, id, name, url, version);
            _units.Add(unit);
            return (0, string.Empty, unit);
        }
    }

    /// <summary>Updates a unit to <paramref name="version"/> from <paramref name="url"/>.</summary>
    public (int Fault, string Message, DeploymentUnit? Unit) Update(string uuid, string url, string version)
    {
        lock (_gate)
        {
            var unit = _units.FirstOrDefault(u => u.Uuid.Equals(uuid, StringComparison.OrdinalIgnoreCase));
            if (unit is null)
            {
                return (FaultCode.UnknownDeploymentUnit, "no deployment unit has this UUID", null);
            }

            if (unit.Version == version)
            {
                return (FaultCode.DeploymentUnitVersionExists, $"version {version} is installed already", unit);
            }

            var updated = unit with { Url = url, Version = version };
            _units[_units.IndexOf(unit)] = updated;
            return (0, string.Empty, updated);
        }
    }

    /// <summary>Uninstalls a unit (of <paramref name="version"/> when given).</summary>
    public (int Fault, string Message, DeploymentUnit? Unit) Uninstall(string uuid, string version)
    {
        lock (_gate)
        {
            var unit = _units.FirstOrDefault(u => u.Uuid.Equals(uuid, StringComparison.OrdinalIgnoreCase) && (version.Length == 0 || u.Version == version));
            if (unit is null)
            {
                return (FaultCode.UnknownDeploymentUnit, "no deployment unit has this UUID and version", null);
            }

            _units.Remove(unit);
            return (0, string.Empty, unit with { Uninstalled = true });
        }
    }

    /// <summary>The unit looked up by UUID, or null.</summary>
    public DeploymentUnit? Find(string uuid)
    {
        lock (_gate)
        {
            return _units.FirstOrDefault(u => u.Uuid.Equals(uuid, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>True for a name under <c>SoftwareModules.</c> of <paramref name="root"/> (e.g. <c>Device.</c>).</summary>
    public static bool Owns(string root, string name) => name.StartsWith(root + "SoftwareModules.", StringComparison.Ordinal);

    /// <summary>GetParameterValues for names under SoftwareModules: partial paths expand; an unknown name is fault 9005.</summary>
    public IReadOnlyList<ParameterValueStruct> GetValues(string root, IEnumerable<string> names)
    {
        var all = Values(root);
        var result = new List<ParameterValueStruct>();
        foreach (var name in names)
        {
            var matched = name.EndsWith('.') ? all.Where(v => v.Name.StartsWith(name, StringComparison.Ordinal)).ToList() : all.Where(v => v.Name == name).ToList();
            if (matched.Count == 0)
            {
                throw new Model.CpeFaultException(FaultCode.InvalidParameterName, $"{name} is not a parameter of this device.");
            }

            result.AddRange(matched);
        }

        return result;
    }

    /// <summary>Every parameter of the model, in path order.</summary>
    public IReadOnlyList<ParameterValueStruct> Values(string root)
    {
        var sm = root + "SoftwareModules.";
        var ee = sm + "ExecEnv.1.";
        var units = Units;
        var values = new List<ParameterValueStruct>
        {
            new(sm + "ExecEnvNumberOfEntries", ParameterValue.UnsignedInt(1)),
            new(sm + "DeploymentUnitNumberOfEntries", ParameterValue.UnsignedInt((uint)units.Count)),
            new(sm + "ExecutionUnitNumberOfEntries", ParameterValue.UnsignedInt((uint)units.Count)),
            new(ee + "Enable", ParameterValue.Boolean(true)),
            new(ee + "Status", ParameterValue.String("Up")),
            new(ee + "Name", ParameterValue.String("palisade-ee")),
            new(ee + "Type", ParameterValue.String("Linux")),
            new(ee + "Vendor", ParameterValue.String("Palisade")),
            new(ee + "Version", ParameterValue.String("1.0")),
        };
        foreach (var u in units)
        {
            var du = sm + "DeploymentUnit." + u.Instance.ToString(CultureInfo.InvariantCulture) + ".";
            var eu = sm + "ExecutionUnit." + u.Instance.ToString(CultureInfo.InvariantCulture) + ".";
            values.AddRange(
            [
                new(du + "UUID", ParameterValue.String(u.Uuid)),
                new(du + "DUID", ParameterValue.String("du-" + u.Instance.ToString(CultureInfo.InvariantCulture))),
                new(du + "Name", ParameterValue.String(u.Name)),
                new(du + "Status", ParameterValue.String("Installed")),
                new(du + "Resolved", ParameterValue.Boolean(true)),
                new(du + "URL", ParameterValue.String(u.Url)),
                new(du + "Vendor", ParameterValue.String("Palisade")),
                new(du + "Version", ParameterValue.String(u.Version)),
                new(du + "ExecutionUnitList", ParameterValue.String(eu.TrimEnd('.'))),
                new(du + "ExecutionEnvRef", ParameterValue.String(ee.TrimEnd('.'))),
                new(eu + "EUID", ParameterValue.String("eu-" + u.Instance.ToString(CultureInfo.InvariantCulture))),
                new(eu + "Name", ParameterValue.String(u.Name)),
                new(eu + "ExecEnvLabel", ParameterValue.String(u.Name)),
                new(eu + "Status", ParameterValue.String("Active")),
                new(eu + "ExecutionFaultCode", ParameterValue.String("NoFault")),
                new(eu + "Version", ParameterValue.String(u.Version)),
                new(eu + "References", ParameterValue.String(du.TrimEnd('.'))),
                new(eu + "ExecutionEnvRef", ParameterValue.String(ee.TrimEnd('.'))),
            ]);
        }

        return values;
    }
}
