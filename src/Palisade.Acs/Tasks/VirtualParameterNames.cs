namespace Palisade.Acs.Tasks;

/// <summary>The names of virtual parameters in tasks: <c>VirtualParameters.name</c>, run by the provisioning step.</summary>
public static class VirtualParameterNames
{
    /// <summary>What every virtual parameter's name starts with.</summary>
    public const string Prefix = "VirtualParameters.";

    /// <summary>True when a getParameterValues or setParameterValues task names virtual parameters (then only those).</summary>
    public static bool Names(TaskDefinition definition) => definition switch
    {
        GetParameterValuesTask get => get.ParameterNames.Count > 0 && get.ParameterNames[0].StartsWith(Prefix, StringComparison.Ordinal),
        SetParameterValuesTask set => set.ParameterValues.Count > 0 && set.ParameterValues[0].Name.StartsWith(Prefix, StringComparison.Ordinal),
        _ => false,
    };
}
