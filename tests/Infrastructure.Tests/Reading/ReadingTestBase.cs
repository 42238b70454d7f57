using Dashboard.Infrastructure.Database;
using Dashboard.Infrastructure.Tests.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dashboard.Infrastructure.Tests.Reading;

/// <summary>The queue test set-up plus the EF context factory the page queries read through.</summary>
public abstract class ReadingTestBase : QueueTestBase
{
    protected IDbContextFactory<DashboardDbContext> Db => new PooledDbContextFactory<DashboardDbContext>(
        new DbContextOptionsBuilder<DashboardDbContext>().UseNpgsql(DataSource).Options);
}
