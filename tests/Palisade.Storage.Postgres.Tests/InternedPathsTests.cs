namespace Palisade.Storage.Postgres.Tests;

/// <summary>The path numbers a node remembers: a commit whose paths are all known names its parameters by number.</summary>
public sealed class InternedPathsTests
{
    [Fact]
    public void Only_paths_remembered_are_known_and_all_of_a_commits_paths_must_be()
    {
        var interned = new InternedPaths();
        var ids = new long[2];
        Assert.False(interned.TryGetIds(["Device.A"], ids));
        Assert.True(interned.TryGetIds([], []));

        interned.Remember("Device.A", 7);
        interned.Remember("Device.B", 3);

        Assert.True(interned.TryGetIds(["Device.B", "Device.A"], ids));
        Assert.Equal([3L, 7L], ids);
        Assert.False(interned.TryGetIds(["Device.A", "Device.C"], ids));
        Assert.False(interned.TryGetIds(["device.a"], new long[1]));
    }

    [Fact]
    public void A_number_once_remembered_stays()
    {
        var interned = new InternedPaths();
        interned.Remember("Device.A", 7);
        interned.Remember("Device.A", 8);

        var ids = new long[1];
        Assert.True(interned.TryGetIds(["Device.A"], ids));
        Assert.Equal(7, ids[0]);
    }

    [Fact]
    public void Past_its_capacity_nothing_more_is_remembered()
    {
        var interned = new InternedPaths();
        for (var i = 0; i < InternedPaths.Capacity; i++)
        {
            interned.Remember("Device.P" + i, i);
        }

        interned.Remember("Device.Late", -1);

        Assert.Equal(InternedPaths.Capacity, interned.Count);
        Assert.False(interned.TryGetIds(["Device.Late"], new long[1]));
        Assert.True(interned.TryGetIds(["Device.P0"], new long[1]));
    }
}
