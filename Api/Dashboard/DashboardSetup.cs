namespace CreatiWall.Api.Dashboard;

public static class DashboardSetup
{
    /// <summary>The live operations dashboard at <c>/</c>: static files built from <c>web/dashboard</c> into wwwroot.</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }
}
