"""Who among staff may see what commenters keep private: their emails, client addresses and browsers."""


def has_private_data_permission(request):
    return request is not None and request.user.has_perm("comments.view_commenter_private_data")
