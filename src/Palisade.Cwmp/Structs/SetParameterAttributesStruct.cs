namespace Palisade.Cwmp.Structs;

/// <summary>One change in SetParameterAttributes (TR-069 A.3.2.4).</summary>
/// <param name="Name">A parameter path or a partial path ending with '.'.</param>
/// <param name="NotificationChange">Whether to apply <paramref name="Notification"/>.</param>
/// <param name="Notification">0 off, 1 passive, 2 active.</param>
/// <param name="AccessListChange">Whether to apply <paramref name="AccessList"/>.</param>
/// <param name="AccessList">The new access list.</param>
public sealed record SetParameterAttributesStruct(
    string Name,
    bool NotificationChange,
    int Notification,
    bool AccessListChange,
    EquatableList<string> AccessList);
