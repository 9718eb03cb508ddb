name = "shop"

services = {
  orders = { path = "/orders*", priority = 10 }
  users  = { path = "/users*", priority = 20, memory = 256 }
}
