"""Client addresses as bans see them: one address, or a network in CIDR notation, IPv6 never narrower than /64."""

import ipaddress

from comments.ratelimit import client_network


def ban_value(value):
    """The form a banned address or network is stored in; ValueError if it is neither."""
    # An IPv6 subscriber gets a whole /64 and picks any address in it, so a ban covers at least that much, as
    # the rate limits do. One IPv4 address is stored as such, a wider network in CIDR notation.
    value = (value or "").strip().lower()
    if "/" not in value:
        value = client_network(value)
    network = ipaddress.ip_network(value, strict=False)
    if network.version == 6 and network.prefixlen > 64:
        network = network.supernet(new_prefix=64)
    if network.version == 4 and network.prefixlen == 32:
        return str(network.network_address)
    return network.compressed


def enclosing_values(address):
    """Every stored ban value that covers this client address: the address itself and each network around it."""
    # A few dozen strings matched with one indexed IN query: no network arithmetic in the database.
    try:
        ip = ipaddress.ip_address(client_network(address).split("/")[0])
    except ValueError:
        return []
    widest = 32 if ip.version == 4 else 64
    values = {ban_value(f"{ip}/{prefix}") for prefix in range(widest + 1)}
    return sorted(values | {str(ip), ipaddress.ip_address(address.strip()).compressed})
