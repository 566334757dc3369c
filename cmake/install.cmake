# install rules come next
