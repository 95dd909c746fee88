using CreatiWall.Api.Auth;
using CreatiWall.Api.Errors;
using CreatiWall.Broker.Identity;
using CreatiWall.Broker.LayoutUpdates;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatiWall.Api.Realtime;

public static class LayoutUpdateEndpoint
{
    /// <summary>Checks the request, then hands it to <see cref="Layouts"/>, which answers once every device's layout is stored.</summary>
    public static async Task<Results<Ok<ApiResponse<LayoutUpdateResponse>>, JsonHttpResult<ApiError>>> HandleAsync(
        LayoutUpdateRequest request, HttpContext http, Layouts layouts)
    {
        var caller = http.Caller();
        if (!Ids.IsValid(request.LayoutId))
        {
            return Reply.BadRequest("layoutId", $"must match {Ids.Pattern}");
        }

        if (request.DeviceIds is { } devices)
        {
            if (devices.Length is 0 or > Layouts.MaxDevices)
            {
                return Reply.BadRequest("deviceIds", $"must list 1 to {Layouts.MaxDevices} devices, or be left out for all known devices");
            }

            if (devices.FirstOrDefault(d => !Ids.IsValid(d)) is { } bad)
            {
                return Reply.BadRequest("deviceIds", $"'{bad}' does not match {Ids.Pattern}");
            }

            if (devices.FirstOrDefault(d => !Layouts.MayUpdate(caller, d)) is { } foreign)
            {
                return Reply.Forbidden($"you may not update device '{foreign}'");
            }
        }

        var result = await layouts.UpdateAsync(caller, request.LayoutId, request.LayoutData, request.DeviceIds);
        return Reply.Ok(new LayoutUpdateResponse(result.MessageId, result.Devices));
    }
}
