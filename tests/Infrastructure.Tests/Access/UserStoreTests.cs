using Dashboard.Domain;
using Dashboard.Infrastructure.Access;
using Dashboard.Infrastructure.Database;
using Dashboard.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dashboard.Infrastructure.Tests.Access;

public sealed class UserStoreTests
{
    private static async Task<UserStore> StoreAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("users");
        var db = new PooledDbContextFactory<DashboardDbContext>(new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(connectionString).Options);
        return new UserStore(db, TimeProvider.System);
    }

    [Fact]
    public async Task Starting_processes_racing_to_add_the_first_admin_add_exactly_one()
    {
        var store = await StoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => store.AddFirstAsync($"admin{i}", null, "hash")));
        results.Count(r => r is not null).Should().Be(1);
        (await store.ListAsync()).Should().ContainSingle().Which.IsAdmin.Should().BeTrue();
        (await store.AddFirstAsync("late", null, "hash")).Should().BeNull();
    }

    [Fact]
    public async Task Names_are_unique_case_insensitively_and_a_taken_name_is_a_clear_error()
    {
        var store = await StoreAsync();
        var ada = await store.AddAsync("Ada", "Ada Lovelace", "hash", isAdmin: false);
        ada.UserName.Should().Be("ada");
        (await store.FindByNameAsync(" ADA "))!.Id.Should().Be(ada.Id);
        var again = () => store.AddAsync("ADA", null, "hash", isAdmin: false);
        (await again.Should().ThrowAsync<InvalidInputException>()).Which.Message.Should().Contain("'ada' is already taken");
        (await store.SetDisabledAsync(ada.Id, disabled: true)).Should().BeTrue();
        (await store.FindAsync(ada.Id))!.IsDisabled.Should().BeTrue();
    }
}
